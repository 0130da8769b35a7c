using ChatApp.Rooms;
using ChatApp.Tests.Support;
using ChatApp.Users;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ChatApp.Tests.Browser;

/// <summary>Direct messages started from the member list, seen by both people.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DirectMessageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_members_name_opens_a_direct_room_that_the_other_person_sees_under_the_first_ones_name()
    {
        await using var alice = await ChatPage.OpenAsNewUserAsync(fixture, "alice");
        await using var bob = await ChatPage.OpenAsNewUserAsync(fixture, "bob");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);
        await Expect(alice.Member(bob.Name)).ToHaveCountAsync(1);
        // One's own name offers nothing.
        await Expect(alice.Member(alice.Name).Locator("button")).ToHaveCountAsync(0);
        var direct = DirectRoom.IdOf(UserName.Parse(alice.Name), UserName.Parse(bob.Name));

        // From the keyboard: the name is a button named for what it does.
        var messageBob = alice.Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = $"Message {bob.Name} directly", Exact = true });
        await Expect(messageBob).ToHaveTextAsync(bob.Name);
        // Focused, then Enter, as a keyboard user does: a redraw of the list in between (bob's
        // presence arriving) keeps the focus on the button (KeyboardFocusTests).
        await messageBob.FocusAsync();
        await alice.Page.Keyboard.PressAsync("Enter");

        await Expect(alice.CurrentRoom).ToHaveTextAsync(bob.Name);
        await Expect(alice.RoomInList(direct).Locator(".room-name")).ToHaveTextAsync(bob.Name);
        await Expect(alice.RoomInList(direct)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"(^|\s)current(\s|$)"));
        await Expect(alice.Page.Locator("#room-visibility")).ToHaveTextAsync("direct message");
        await Expect(alice.Members).ToHaveCountAsync(2);
        // Already in it: the other name here leads nowhere new, and leaving would be for good.
        await Expect(alice.Page.Locator("#members button.dm")).ToHaveCountAsync(0);
        await Expect(alice.Page.Locator("#leave")).ToBeHiddenAsync();
        await alice.SendConfirmedAsync("just between us");

        // Bob is still in the shared room; the direct one appears in his list, unread.
        await Expect(bob.CurrentRoom).ToHaveTextAsync(room);
        await Expect(bob.RoomInList(direct).Locator(".room-name")).ToHaveTextAsync(alice.Name);
        await Expect(bob.UnreadBadge(direct)).ToHaveTextAsync("1");
        await bob.OpenFromListAsync(direct, alice.Name);
        await Expect(bob.MessageTexts).ToHaveTextAsync(["just between us"]);
        await bob.SendConfirmedAsync("sure, what is it?");
        await Expect(alice.MessageTexts).ToHaveTextAsync(["just between us", "sure, what is it?"]);
        await Expect(alice.Page.Locator("#messages li.system")).ToHaveCountAsync(0);
        await Expect(bob.Page.Locator("#messages li.system")).ToHaveCountAsync(0);

        // Asking again from the shared room opens the same room, not a second one.
        await bob.OpenFromListAsync(room);
        await bob.Member(alice.Name).Locator("button.dm").ClickAsync();
        await Expect(bob.CurrentRoom).ToHaveTextAsync(alice.Name);
        await Expect(bob.Page.Locator("#rooms li.direct")).ToHaveCountAsync(1);
        await Expect(bob.MessageTexts).ToHaveTextAsync(["just between us", "sure, what is it?"]);
        alice.AssertNoProblems();
        bob.AssertNoProblems();
    }
}
