using ChatApp.Tests.Support;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ChatApp.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class ScrollBackTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Scrolling_to_the_top_loads_older_pages_in_place_until_the_beginning_of_the_room()
    {
        using var seeder = await ApiUser.RegisterAsync(fixture.System, "seed");
        var room = Fresh.Room();
        await seeder.CreateRoomAsync(room);
        var texts = Enumerable.Range(1, 120).Select(i => $"message {i}").ToArray();
        await seeder.SendAllAsync(room, texts);
        await using var alice = await ChatPage.OpenAsNewUserAsync(fixture, "alice");

        await alice.JoinAsync(room);

        // The latest page, scrolled to its end.
        await Expect(alice.MessageTexts).ToHaveTextAsync(texts[70..]);
        await Expect(alice.StoredMessage("message 120")).ToBeInViewportAsync();
        var beginning = alice.Page.Locator("#messages li.beginning");
        await Expect(beginning).ToHaveCountAsync(0);

        await alice.ScrollMessagesToTopAsync();

        // One page older, and the message that was at the top is still in view: the place is kept.
        await Expect(alice.MessageTexts).ToHaveTextAsync(texts[20..]);
        await Expect(alice.StoredMessage("message 71")).ToBeInViewportAsync();
        await Expect(alice.StoredMessage("message 21")).Not.ToBeInViewportAsync();
        await Expect(beginning).ToHaveCountAsync(0);

        await alice.ScrollMessagesToTopAsync();

        await Expect(alice.MessageTexts).ToHaveTextAsync(texts);
        await Expect(alice.StoredMessage("message 21")).ToBeInViewportAsync();
        await alice.ScrollMessagesToTopAsync();
        await Expect(beginning).ToBeInViewportAsync();
        await Expect(beginning).ToContainTextAsync("beginning");
        await Expect(alice.Page.Locator("#load-older")).ToHaveCountAsync(0);
        alice.AssertNoProblems();
    }
}
