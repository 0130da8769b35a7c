using ChatApp.Tests.Support;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ChatApp.Tests.Browser;

/// <summary>
/// The keyboard's place in the room list and the member list survives what redraws them: a
/// message, an unread count, someone coming in. Each of those draws the lists again.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class KeyboardFocusTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_members_button_reached_by_keyboard_keeps_the_focus_while_messages_and_newcomers_redraw_the_list()
    {
        await using var alice = await ChatPage.OpenAsNewUserAsync(fixture, "alice");
        await using var bob = await ChatPage.OpenAsNewUserAsync(fixture, "bob");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);
        var messageBob = alice.Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = $"Message {bob.Name} directly", Exact = true });
        await Expect(messageBob).ToHaveTextAsync(bob.Name);
        await messageBob.FocusAsync();

        await bob.SendConfirmedAsync("are you there?");
        await Expect(alice.MessageTexts).ToHaveTextAsync(["are you there?"]);
        await using var carol = await ChatPage.OpenAsNewUserAsync(fixture, "carol");
        await carol.JoinAsync(room);
        await Expect(alice.Member(carol.Name)).ToHaveCountAsync(1);
        await Expect(messageBob).ToBeFocusedAsync();

        // So the next key still reaches the button.
        await alice.Page.Keyboard.PressAsync("Enter");
        await Expect(alice.CurrentRoom).ToHaveTextAsync(bob.Name);
    }

    [Fact]
    public async Task A_room_reached_by_keyboard_in_the_list_keeps_the_focus_when_a_message_there_marks_it_unread()
    {
        await using var alice = await ChatPage.OpenAsNewUserAsync(fixture, "alice");
        await using var bob = await ChatPage.OpenAsNewUserAsync(fixture, "bob");
        var busy = Fresh.Room();
        var quiet = Fresh.Room();
        await alice.JoinAsync(busy);
        await bob.JoinAsync(busy);
        await alice.JoinAsync(quiet);
        await Expect(alice.CurrentRoom).ToHaveTextAsync(quiet);
        var busyLink = alice.RoomInList(busy).Locator("button.room-link");
        await busyLink.FocusAsync();

        await bob.SendConfirmedAsync("news in here");
        await Expect(alice.UnreadBadge(busy)).ToHaveTextAsync("1");
        await Expect(busyLink).ToBeFocusedAsync();

        await alice.Page.Keyboard.PressAsync("Enter");
        await Expect(alice.CurrentRoom).ToHaveTextAsync(busy);
        await Expect(alice.MessageTexts).ToHaveTextAsync(["news in here"]);
    }
}
