using System.Net;
using System.Net.Http.Json;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>Being added to a room is an invitation: listed, told live, and nothing until accepted.</summary>
public sealed class InvitationTests(ChatSystemFixture fixture) : IClassFixture<ChatSystemFixture>
{
    private ChatSystem System => fixture.System;

    public sealed record PendingInvitation(string Room, string InvitedBy, string Topic, DateTimeOffset Ts);

    private async Task<string> PrivateRoomOf(ChatTestClient owner, string topic)
    {
        var room = Fresh.Room("priv");
        using var http = System.Http(owner.Token);
        (await http.PostAsJsonAsync("/api/rooms", new { id = room.Value, visibility = "private", topic })).EnsureSuccessStatusCode();
        return room;
    }

    [Fact]
    public async Task An_invitee_sees_the_invitation_and_declining_it_leaves_them_outside()
    {
        await using var owner = await System.ConnectNewUserAsync("owner");
        await using var guest = await System.ConnectNewUserAsync("guest");
        var room = await PrivateRoomOf(owner, "plans");
        using var ownerHttp = System.Http(owner.Token);
        using var guestHttp = System.Http(guest.Token);

        var invited = await ownerHttp.PostAsJsonAsync($"/api/rooms/{room}/members", new { user = guest.User });

        Assert.Equal(HttpStatusCode.Accepted, invited.StatusCode);
        var live = await guest.WaitForAsync<InvitationFrame>(i => i.Room == room);
        Assert.Equal((owner.User, "plans"), (live.InvitedBy, live.Topic));
        var listed = Assert.Single(await guestHttp.GetFromJsonAsync<PendingInvitation[]>("/api/invitations") ?? []);
        Assert.Equal((room, owner.User), (listed.Room, listed.InvitedBy));
        // Invited is not a member: the room is still hidden, and its messages do not arrive.
        Assert.Equal(HttpStatusCode.NotFound, (await guestHttp.GetAsync($"/api/rooms/{room}")).StatusCode);
        var secret = await owner.SendAsync(room, "before you decide");

        Assert.Equal(HttpStatusCode.NoContent, (await guestHttp.DeleteAsync($"/api/invitations/{room}")).StatusCode);

        Assert.Empty(await guestHttp.GetFromJsonAsync<PendingInvitation[]>("/api/invitations") ?? []);
        Assert.Equal(HttpStatusCode.NotFound, (await guestHttp.PostAsync($"/api/invitations/{room}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await guestHttp.GetAsync($"/api/rooms/{room}")).StatusCode);
        await guest.RequestAsync("ping");
        Assert.DoesNotContain(guest.Events(room), e => e.Seq == secret);
    }
}
