using System.Text.RegularExpressions;
using ChatApp.Tests.Support;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ChatApp.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed partial class SearchTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_search_result_opens_its_room_at_the_message_highlighted_even_far_back_in_history()
    {
        const string needle = "the quokka census is due on Friday";
        using var seeder = await ApiUser.RegisterAsync(fixture.System, "seed");
        var room = Fresh.Room();
        await seeder.CreateRoomAsync(room);
        var texts = Enumerable.Range(1, 120).Select(i => i == 10 ? needle : $"message {i}").ToArray();
        var seqs = await seeder.SendAllAsync(room, texts);
        await using var alice = await ChatPage.OpenAsNewUserAsync(fixture, "alice");
        await alice.JoinAsync(room);
        await Expect(alice.MessageTexts).ToHaveCountAsync(50); // the needle is far older than that
        await alice.JoinAsync(Fresh.Room());

        await alice.Page.Locator("#search-input").FillAsync("quokka");
        await alice.Page.Locator("#search-input").PressAsync("Enter");

        var hit = alice.Page.Locator("#search-list button.search-hit");
        await Expect(hit).ToHaveCountAsync(1);
        await Expect(hit.Locator(".hit-room")).ToHaveTextAsync(room);
        await Expect(hit.Locator(".sender")).ToHaveTextAsync(seeder.Name);
        await Expect(hit.Locator("time")).Not.ToBeEmptyAsync();
        // The matched word is a highlighted element of its own, the rest plain text.
        await Expect(hit.Locator("mark")).ToHaveTextAsync(["quokka"]);
        await Expect(hit.Locator(".snippet")).ToContainTextAsync("census");
        await Expect(hit.Locator(".snippet")).Not.ToContainTextAsync("«");

        await hit.ClickAsync();

        await Expect(alice.Page.Locator("#search-results")).ToBeHiddenAsync();
        await Expect(alice.CurrentRoom).ToHaveTextAsync(room);
        var found = alice.MessageAt(seqs[9]);
        await Expect(found.Locator(".text")).ToHaveTextAsync(needle);
        await Expect(found).ToHaveClassAsync(FlashClass());
        await Expect(found).ToBeInViewportAsync();

        // Between the page around it and the latest page a marker holds the place of what is not
        // loaded; scrolling to it fills the hole, and the room reads whole, each message once.
        var hole = alice.Page.Locator("#messages li.gap");
        await Expect(hole).ToHaveCountAsync(1);
        await hole.ScrollIntoViewIfNeededAsync();
        await Expect(hole).ToHaveCountAsync(0);
        await Expect(alice.MessageTexts).ToHaveTextAsync(texts);
        await Expect(alice.Page.Locator("#messages li.beginning")).ToHaveCountAsync(1);
        alice.AssertNoProblems();
    }

    [GeneratedRegex(@"(^|\s)flash(\s|$)")]
    private static partial Regex FlashClass();
}
