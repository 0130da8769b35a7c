using ChatApp.Tests.Support;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ChatApp.Tests.Browser;

/// <summary>
/// Display names (js/profiles.js): chosen on one's own page, shown on everyone's in messages, the
/// member list and mentions, with the user name beside it or on hover.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ProfileTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_display_name_set_on_one_page_shows_in_the_other_persons_messages_members_and_mentions()
    {
        await using var alice = await ChatPage.OpenAsNewUserAsync(fixture, "alice");
        await using var bob = await ChatPage.OpenAsNewUserAsync(fixture, "bob");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);
        var hello = await alice.SendConfirmedAsync("hello");
        await bob.SendAsync($"hi @{alice.Name}");

        await alice.Page.Locator("#toggle-profile").ClickAsync();
        await alice.Page.Locator("#display-name").FillAsync("  Alice Liddell  ");
        await alice.Page.Locator("#display-name-save").ClickAsync();

        // At once on her own page, the mention of her too.
        await Expect(alice.MessageAt(hello).Locator(".sender")).ToHaveTextAsync($"Alice Liddell @{alice.Name}");
        await Expect(alice.MessageList.Locator(".mention-name")).ToHaveTextAsync("@Alice Liddell");
        // On Bob's at his next load: the display name, and her user name beside it or on hover.
        await bob.Page.ReloadAsync();
        await Expect(bob.ConnectionState).ToHaveTextAsync("connected");
        var sender = bob.MessageAt(hello).Locator(".sender");
        await Expect(sender).ToHaveTextAsync($"Alice Liddell @{alice.Name}");
        await Expect(sender.Locator(".handle")).ToHaveTextAsync($"@{alice.Name}");
        await Expect(bob.Member(alice.Name).Locator(".member-name")).ToHaveTextAsync($"Alice Liddell @{alice.Name}");
        var mention = bob.MessageList.Locator(".mention-name");
        await Expect(mention).ToHaveTextAsync("@Alice Liddell");
        await Expect(mention).ToHaveAttributeAsync("title", $"@{alice.Name}");
        // Bob chose none: his user name alone.
        await Expect(bob.Member(bob.Name).Locator(".member-name")).ToHaveTextAsync(bob.Name);
        alice.AssertNoProblems();
        bob.AssertNoProblems();
    }
}
