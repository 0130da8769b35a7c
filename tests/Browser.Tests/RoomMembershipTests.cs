using System.Net;
using ChatApp.Tests.Support;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ChatApp.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class RoomMembershipTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_private_rooms_owner_invites_a_member_who_accepts_and_then_sees_the_room_until_kicked()
    {
        await using var alice = await ChatPage.OpenAsNewUserAsync(fixture, "alice");
        await using var bob = await ChatPage.OpenAsNewUserAsync(fixture, "bob");
        var room = Fresh.Room();

        await alice.CreatePrivateRoomAsync(room);
        await alice.SendConfirmedAsync("welcome to the secret room");

        await Expect(alice.Page.Locator("#room-visibility")).ToHaveTextAsync("private");
        await Expect(alice.Members).ToHaveCountAsync(1);
        await Expect(alice.Member(alice.Name)).ToHaveAttributeAsync("data-role", "owner");
        await Expect(bob.RoomInList(room)).ToHaveCountAsync(0);

        await alice.Page.Locator("#add-member-input").FillAsync(bob.Name);
        await alice.Page.Locator("#add-member").ClickAsync();

        // Adding is an invitation: bob's page shows it live, and he is not a member until he accepts.
        var invitation = bob.Page.Locator($"#invitations li[data-room='{room}']");
        await Expect(invitation).ToContainTextAsync($"{alice.Name} invited you to {room}");
        await Expect(alice.Page.Locator("#members-error")).ToBeHiddenAsync();
        await Expect(alice.Members).ToHaveCountAsync(1);
        await Expect(bob.RoomInList(room)).ToHaveCountAsync(0);
        await invitation.Locator("button.accept").ClickAsync();

        await Expect(alice.Member(bob.Name)).ToHaveAttributeAsync("data-role", "member");
        await Expect(bob.Page.Locator("#invitations-panel")).ToBeHiddenAsync();
        // Accepting opens the room on bob's page, with its history.
        await Expect(bob.RoomInList(room)).ToHaveCountAsync(1);
        await Expect(bob.CurrentRoom).ToHaveTextAsync(room);
        await Expect(bob.MessageTexts).ToHaveTextAsync(["welcome to the secret room"]);
        await Expect(bob.Member(alice.Name)).ToHaveAttributeAsync("data-role", "owner");
        await Expect(bob.Members).ToHaveCountAsync(2);
        // A plain member may not moderate anyone, nor add people.
        await Expect(bob.Page.Locator("#members .member-actions button")).ToHaveCountAsync(0);
        await Expect(bob.Page.Locator("#add-member-form")).ToBeHiddenAsync();
        await bob.SendConfirmedAsync("thanks for having me");
        await Expect(alice.MessageTexts).ToHaveTextAsync(["welcome to the secret room", "thanks for having me"]);

        await alice.Member(bob.Name).Locator("button.kick").ClickAsync();

        await Expect(alice.Member(bob.Name)).ToHaveCountAsync(0);
        await Expect(alice.Page.Locator("#messages li.system").Last).ToHaveTextAsync($"{bob.Name} was removed by {alice.Name}");
        // The room is gone from bob's page once it asks the server again.
        await bob.Page.ReloadAsync();
        await Expect(bob.ConnectionState).ToHaveTextAsync("connected");
        await Expect(bob.Page.Locator("#notice")).ToContainTextAsync("no longer a member");
        await Expect(bob.RoomInList(room)).ToHaveCountAsync(0);
        await Expect(bob.Page.Locator("#composer")).ToBeDisabledAsync();
        await Expect(bob.Page.Locator("#members-panel")).ToBeHiddenAsync();
        alice.AssertNoProblems();
        bob.AssertNoProblems();
    }

    [Fact]
    public async Task Signing_out_revokes_the_token_on_the_server()
    {
        await using var alice = await ChatPage.OpenAsNewUserAsync(fixture, "alice");
        var token = await alice.TokenAsync();

        var logout = await alice.Page.RunAndWaitForResponseAsync(
            () => alice.Page.Locator("#signout").ClickAsync(), "**/api/auth/logout");

        Assert.Equal((int)HttpStatusCode.NoContent, logout.Status);
        await Expect(alice.Page.Locator("#auth-form")).ToBeVisibleAsync();
        await Expect(alice.Page.Locator("#auth-error")).ToBeHiddenAsync();
        using var http = fixture.System.Http(token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/me")).StatusCode);
        alice.AssertNoProblems();
    }
}
