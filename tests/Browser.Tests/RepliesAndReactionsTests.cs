using System.Text.RegularExpressions;
using ChatApp.Tests.Support;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ChatApp.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed partial class RepliesAndReactionsTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_reply_quotes_its_original_in_both_pages_and_after_a_reload_and_a_click_opens_the_original_even_far_back()
    {
        using var seeder = await ApiUser.RegisterAsync(fixture.System, "seed");
        var room = Fresh.Room();
        await seeder.CreateRoomAsync(room);
        var original = await seeder.SendAsync(room, "where do we meet?\nasking for the whole team");
        await seeder.SendAllAsync(room, Enumerable.Range(1, 80).Select(i => $"filler {i}"));
        await seeder.ReplyAsync(room, original, "answering the old question");
        await using var alice = await ChatPage.OpenAsNewUserAsync(fixture, "alice");
        await using var bob = await ChatPage.OpenAsNewUserAsync(fixture, "bob");
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);

        // The original is not in the latest page, yet the reply quotes it: its sender and first line.
        await Expect(alice.MessageAt(original)).ToHaveCountAsync(0);
        var farQuote = alice.StoredMessage("answering the old question").Locator(".reply-preview");
        await Expect(farQuote.Locator(".quote-sender")).ToHaveTextAsync(seeder.Name);
        await Expect(farQuote.Locator(".quote-text")).ToHaveTextAsync("where do we meet?");

        // Reply, then Cancel: the bar goes and nothing is sent as a reply.
        var last = alice.StoredMessage("filler 80");
        await last.Locator("button.reply").ClickAsync();
        var bar = alice.Page.Locator("#reply-bar");
        await Expect(bar).ToContainTextAsync("filler 80");
        await Expect(alice.Page.Locator("#composer")).ToBeFocusedAsync();
        await bar.Locator("button.cancel-reply").ClickAsync();
        await Expect(bar).ToBeHiddenAsync();

        // Reply for real: both pages quote the original.
        await last.Locator("button.reply").ClickAsync();
        await Expect(bar).ToContainTextAsync(seeder.Name);
        var reply = await alice.SendConfirmedAsync("count me in");
        await Expect(bar).ToBeHiddenAsync();
        foreach (var page in new[] { alice, bob })
        {
            var quote = page.MessageAt(reply).Locator(".reply-preview");
            await Expect(quote.Locator(".quote-sender")).ToHaveTextAsync(seeder.Name);
            await Expect(quote.Locator(".quote-text")).ToHaveTextAsync("filler 80");
        }
        await Expect(bob.StoredMessage("count me in")).ToHaveCountAsync(1);

        // After a reload, the quotes are still there; a click opens the original far back in history.
        await bob.Page.ReloadAsync();
        await Expect(bob.ConnectionState).ToHaveTextAsync("connected");
        await Expect(bob.MessageAt(reply).Locator(".reply-preview .quote-text")).ToHaveTextAsync("filler 80");
        var bobFarQuote = bob.StoredMessage("answering the old question").Locator(".reply-preview");
        await Expect(bobFarQuote.Locator(".quote-text")).ToHaveTextAsync("where do we meet?");
        await bobFarQuote.ClickAsync();
        await Expect(bob.MessageAt(original)).ToBeInViewportAsync();
        await Expect(bob.MessageAt(original)).ToHaveClassAsync(Flashed());
        await Expect(bob.MessageAt(original).Locator(".text")).ToHaveTextAsync("where do we meet?\nasking for the whole team");

        // A deleted original is quoted as such.
        await alice.DeleteAsync(reply);
        await seeder.ReplyAsync(room, reply, "too late");
        await Expect(bob.StoredMessage("too late").Locator(".reply-preview .quote-text")).ToHaveTextAsync("deleted message");
        alice.AssertNoProblems();
        bob.AssertNoProblems();
    }

    [Fact]
    public async Task A_reaction_picked_from_the_keyboard_and_its_removal_show_in_the_other_page_and_after_a_reload()
    {
        await using var alice = await ChatPage.OpenAsNewUserAsync(fixture, "alice");
        await using var bob = await ChatPage.OpenAsNewUserAsync(fixture, "bob");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);
        var message = await alice.SendConfirmedAsync("we shipped it");
        await Expect(bob.MessageAt(message)).ToHaveCountAsync(1);

        // Bob opens the picker, moves one to the right and picks with Enter: ❤️.
        await bob.MessageAt(message).Locator("button.react").ClickAsync();
        var picker = bob.Page.Locator(".emoji-picker");
        await Expect(picker.Locator("button.pick").First).ToBeFocusedAsync();
        await bob.Page.Keyboard.PressAsync("ArrowRight");
        await bob.Page.Keyboard.PressAsync("Enter");
        await Expect(picker).ToHaveCountAsync(0);
        await ExpectChip(bob, message, "❤️", 1, bob.Name, mine: true);
        await ExpectChip(alice, message, "❤️", 1, bob.Name, mine: false);

        // Alice adds hers by clicking the chip; Bob takes his back the same way.
        await Chip(alice, message, "❤️").ClickAsync();
        await ExpectChip(bob, message, "❤️", 2, $"{bob.Name}, {alice.Name}", mine: true);
        await Chip(bob, message, "❤️").ClickAsync();
        await ExpectChip(alice, message, "❤️", 1, alice.Name, mine: true);
        await ExpectChip(bob, message, "❤️", 1, alice.Name, mine: false);

        // The picker closes with Escape and gives the focus back.
        await alice.MessageAt(message).Locator("button.react").ClickAsync();
        await alice.Page.Keyboard.PressAsync("Escape");
        await Expect(alice.Page.Locator(".emoji-picker")).ToHaveCountAsync(0);
        await Expect(alice.MessageAt(message).Locator("button.react")).ToBeFocusedAsync();

        await bob.Page.ReloadAsync();
        await Expect(bob.ConnectionState).ToHaveTextAsync("connected");
        await ExpectChip(bob, message, "❤️", 1, alice.Name, mine: false);
        await Chip(alice, message, "❤️").ClickAsync();
        await Expect(bob.MessageAt(message).Locator("button.reaction")).ToHaveCountAsync(0);
        await Expect(alice.MessageAt(message).Locator("button.reaction")).ToHaveCountAsync(0);
        alice.AssertNoProblems();
        bob.AssertNoProblems();
    }

    private static Microsoft.Playwright.ILocator Chip(ChatPage page, long seq, string emoji) =>
        page.MessageAt(seq).Locator($"button.reaction[data-emoji=\"{emoji}\"]");

    private static async Task ExpectChip(ChatPage page, long seq, string emoji, int count, string users, bool mine)
    {
        var chip = Chip(page, seq, emoji);
        await Expect(chip.Locator(".count")).ToHaveTextAsync(count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(chip).ToHaveAttributeAsync("title", users);
        await Expect(chip).ToHaveAttributeAsync("aria-pressed", mine ? "true" : "false");
    }

    [GeneratedRegex(@"(^|\s)flash(\s|$)")]
    private static partial Regex Flashed();
}
