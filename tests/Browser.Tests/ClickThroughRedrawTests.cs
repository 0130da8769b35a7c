using ChatApp.Tests.Support;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ChatApp.Tests.Browser;

/// <summary>
/// A click whose press and release straddle a redraw still acts. The room list, the member list, the
/// reply bar and the invite links are drawn again on every change the page hears of (a message,
/// someone coming in); a button swapped for a new one between the press and the release takes no
/// click, so in a busy room a click could be lost. Each test presses a button, lets something
/// redraw, then releases.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ClickThroughRedrawTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Cancel_on_the_reply_bar_pressed_while_a_message_arrives_cancels_the_reply()
    {
        await using var alice = await ChatPage.OpenAsNewUserAsync(fixture, "alice");
        await using var bob = await ChatPage.OpenAsNewUserAsync(fixture, "bob");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);
        await bob.SendConfirmedAsync("lunch at noon?");
        await alice.StoredMessage("lunch at noon?").Locator("button.reply").ClickAsync();
        var bar = alice.Page.Locator("#reply-bar");
        await Expect(bar).ToContainTextAsync("lunch at noon?");

        await PressAsync(alice, bar.Locator("button.cancel-reply"));
        await bob.SendConfirmedAsync("or one?");
        await Expect(alice.StoredMessage("or one?")).ToHaveCountAsync(1);
        await alice.Page.Mouse.UpAsync();

        await Expect(bar).ToBeHiddenAsync();
        alice.AssertNoProblems();
    }

    [Fact]
    public async Task A_room_in_the_list_pressed_while_a_message_arrives_in_the_open_one_opens()
    {
        await using var alice = await ChatPage.OpenAsNewUserAsync(fixture, "alice");
        await using var bob = await ChatPage.OpenAsNewUserAsync(fixture, "bob");
        // The list holds the server's public rooms too, by name: one named with a digit sorts before
        // all of them, so no room the list learns of meanwhile is drawn above it.
        var quiet = Fresh.Room("0quiet");
        var busy = Fresh.Room();
        await alice.JoinAsync(quiet);
        await alice.JoinAsync(busy);
        await bob.JoinAsync(busy);

        await PressAsync(alice, alice.RoomInList(quiet).Locator("button.room-link"));
        await bob.SendConfirmedAsync("anyone here?");
        await Expect(alice.StoredMessage("anyone here?")).ToHaveCountAsync(1);
        await alice.Page.Mouse.UpAsync();

        await Expect(alice.CurrentRoom).ToHaveTextAsync(quiet);
        alice.AssertNoProblems();
    }

    [Fact]
    public async Task A_members_button_pressed_while_someone_comes_in_opens_the_direct_room()
    {
        await using var alice = await ChatPage.OpenAsNewUserAsync(fixture, "alice");
        await using var bob = await ChatPage.OpenAsNewUserAsync(fixture, "bob");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);
        var messageBob = alice.Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = $"Message {bob.Name} directly", Exact = true });
        await Expect(messageBob).ToHaveTextAsync(bob.Name);

        // Carol's name sorts after Bob's, so his button stays under the pointer while hers is added.
        await PressAsync(alice, messageBob);
        await using var carol = await ChatPage.OpenAsNewUserAsync(fixture, "carol");
        await carol.JoinAsync(room);
        await Expect(alice.Member(carol.Name)).ToHaveCountAsync(1);
        await alice.Page.Mouse.UpAsync();

        await Expect(alice.CurrentRoom).ToHaveTextAsync(bob.Name);
        alice.AssertNoProblems();
    }

    [Fact]
    public async Task Revoke_on_an_invite_link_pressed_while_a_message_arrives_revokes_it()
    {
        await using var alice = await ChatPage.OpenAsNewUserAsync(fixture, "alice");
        var room = Fresh.Room("priv");
        await alice.CreatePrivateRoomAsync(room);
        var links = alice.Page.Locator("#invite-links li");
        await alice.Page.Locator("#invite-create").ClickAsync();
        await Expect(links).ToHaveCountAsync(1);
        await alice.Page.Locator("#invite-create").ClickAsync();
        await Expect(links).ToHaveCountAsync(2);
        var forBob = await links.Nth(0).Locator(".invite-url").InputValueAsync();
        var revoked = await links.Nth(1).GetAttributeAsync("data-code");

        // Bob comes in by the first link before the press: a newcomer lengthens the member list above
        // the links and moves them, which is not what this is about.
        await using var bob = await ChatPage.OpenAsync(fixture, "bob");
        await bob.Page.GotoAsync("about:blank");
        await bob.Page.GotoAsync(forBob);
        await bob.RegisterAsync(Fresh.User("bob"));
        await Expect(bob.CurrentRoom).ToHaveTextAsync(room);
        await Expect(alice.Member(bob.Name)).ToHaveCountAsync(1);

        await PressAsync(alice, links.Nth(1).Locator("button.invite-revoke"));
        await bob.SendConfirmedAsync("thanks for the link");
        await Expect(alice.StoredMessage("thanks for the link")).ToHaveCountAsync(1);
        await alice.Page.Mouse.UpAsync();

        await Expect(links).ToHaveCountAsync(1);
        await Expect(alice.Page.Locator($"#invite-links li[data-code=\"{revoked}\"]")).ToHaveCountAsync(0);
        alice.AssertNoProblems();
    }

    /// <summary>
    /// Brings the control into view (the room list scrolls once the server has many rooms), moves the
    /// mouse to its middle and presses the button, without releasing it.
    /// </summary>
    private static async Task PressAsync(ChatPage page, ILocator control)
    {
        await control.ScrollIntoViewIfNeededAsync();
        var box = await control.BoundingBoxAsync() ?? throw new InvalidOperationException("The control is not on screen.");
        await page.Page.Mouse.MoveAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
        await page.Page.Mouse.DownAsync();
    }
}
