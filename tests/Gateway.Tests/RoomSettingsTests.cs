using System.Net;
using System.Net.Http.Json;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>
/// A room's settings through the HTTP API, from both sides: the topic, lifting a ban, handing the
/// room on, and invite links; what the owner and moderators may do and what anyone else is told.
/// </summary>
public sealed class RoomSettingsTests(ChatSystemFixture fixture) : IClassFixture<ChatSystemFixture>
{
    private ChatSystem System => fixture.System;

    public sealed record InviteLinkView(string Code, string Url, DateTimeOffset ExpiresAt, int? MaxUses);

    private async Task<string> PublicRoomWith(ChatTestClient owner, params ChatTestClient[] members)
    {
        var room = Fresh.Room();
        await owner.JoinAsync(room);
        foreach (var member in members)
        {
            await member.JoinAsync(room);
        }
        return room;
    }

    [Fact]
    public async Task A_moderator_changes_the_topic_members_see_it_live_and_in_history_and_a_member_cannot()
    {
        await using var owner = await System.ConnectNewUserAsync("owner");
        await using var mod = await System.ConnectNewUserAsync("mod");
        await using var member = await System.ConnectNewUserAsync("member");
        var room = await PublicRoomWith(owner, mod, member);
        using var ownerHttp = System.Http(owner.Token);
        (await ownerHttp.PutAsJsonAsync($"/api/rooms/{room}/members/{mod.User}/role", new { role = "moderator" })).EnsureSuccessStatusCode();
        using var modHttp = System.Http(mod.Token);
        using var memberHttp = System.Http(member.Token);

        var changed = await modHttp.PatchAsJsonAsync($"/api/rooms/{room}", new { topic = "release on friday" });
        var refused = await memberHttp.PatchAsJsonAsync($"/api/rooms/{room}", new { topic = "mine now" });
        var tooLong = await modHttp.PatchAsJsonAsync($"/api/rooms/{room}", new { topic = new string('x', 257) });

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal("release on friday", (await changed.ReadAsync<Room>()).Topic);
        await HttpSteps.AssertProblemAsync(refused, HttpStatusCode.Forbidden, "forbidden");
        await HttpSteps.AssertProblemAsync(tooLong, HttpStatusCode.BadRequest, "validation");
        var seen = await member.WaitForAsync<EventFrame>(e => e.Room == room && e.Kind == "topic");
        Assert.Equal(("release on friday", mod.User), (seen.Text, seen.Sender));
        Assert.Equal("release on friday", (await memberHttp.GetFromJsonAsync<Room>($"/api/rooms/{room}"))!.Topic);
        // History: a device resuming from before the change is replayed the topic event.
        await using var later = await ChatTestClient.ConnectAsync(System.SocketUri, member.User, member.Token);
        await later.HelloAsync(new Dictionary<string, long> { [room] = seen.Seq - 1 });
        Assert.Equal("release on friday", (await later.WaitForEventAsync(room, seen.Seq)).Text);
        Assert.DoesNotContain(member.Events(room), e => e.Kind == "topic" && e.Text == "mine now");
    }

    [Fact]
    public async Task An_unbanned_user_may_join_again_and_only_a_moderator_may_lift_a_ban()
    {
        await using var owner = await System.ConnectNewUserAsync("owner");
        await using var member = await System.ConnectNewUserAsync("member");
        await using var banned = await System.ConnectNewUserAsync("banned");
        var room = await PublicRoomWith(owner, member, banned);
        using var ownerHttp = System.Http(owner.Token);
        using var memberHttp = System.Http(member.Token);
        (await ownerHttp.PostAsJsonAsync($"/api/rooms/{room}/bans", new { user = banned.User })).EnsureSuccessStatusCode();

        var byMember = await memberHttp.DeleteAsync($"/api/rooms/{room}/bans/{banned.User}");
        var stillOut = await banned.RequestAsync("join", new { room });
        var byOwner = await ownerHttp.DeleteAsync($"/api/rooms/{room}/bans/{banned.User}");
        var unban = await member.WaitForAsync<EventFrame>(e => e.Room == room && e.Kind == "unban");

        await HttpSteps.AssertProblemAsync(byMember, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("forbidden", Assert.IsType<ErrorFrame>(stillOut).Code);
        Assert.Equal(HttpStatusCode.NoContent, byOwner.StatusCode);
        Assert.Equal((banned.User, owner.User), (unban.User, unban.Sender));
        await banned.JoinAsync(room);
    }

    [Fact]
    public async Task The_owner_hands_the_room_to_a_member_and_nobody_else_can()
    {
        await using var owner = await System.ConnectNewUserAsync("owner");
        await using var member = await System.ConnectNewUserAsync("member");
        await using var outsider = await System.ConnectNewUserAsync("outsider");
        var room = await PublicRoomWith(owner, member);
        using var ownerHttp = System.Http(owner.Token);
        using var memberHttp = System.Http(member.Token);

        var toOutsider = await ownerHttp.PostAsJsonAsync($"/api/rooms/{room}/owner", new { user = outsider.User });
        var byMember = await memberHttp.PostAsJsonAsync($"/api/rooms/{room}/owner", new { user = member.User });
        var handed = await ownerHttp.PostAsJsonAsync($"/api/rooms/{room}/owner", new { user = member.User });

        await HttpSteps.AssertProblemAsync(toOutsider, HttpStatusCode.NotFound, "not_found");
        await HttpSteps.AssertProblemAsync(byMember, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.NoContent, handed.StatusCode);
        var roles = await Eventually.Until(
            () => Task.FromResult(member.Events(room).Where(e => e.Kind == "role").ToList()), events => events.Count == 2, "two role events");
        Assert.Equal([(member.User, "owner"), (owner.User, "moderator")], roles.Select(e => (e.User!, e.Role!)));
        var now = (await memberHttp.GetFromJsonAsync<Room>($"/api/rooms/{room}"))!;
        Assert.Equal(member.User, now.Owner);
        Assert.Equal("owner", now.Roles[member.User]);
        Assert.Equal("moderator", now.Roles[owner.User]);
    }

    [Fact]
    public async Task The_last_owner_cannot_leave_others_in_an_ownerless_room()
    {
        await using var owner = await System.ConnectNewUserAsync("owner");
        await using var member = await System.ConnectNewUserAsync("member");
        var room = await PublicRoomWith(owner, member);
        using var ownerHttp = System.Http(owner.Token);

        var leaving = await ownerHttp.DeleteAsync($"/api/rooms/{room}/members/{owner.User}");
        var byFrame = await owner.RequestAsync("leave", new { room });
        (await ownerHttp.PostAsJsonAsync($"/api/rooms/{room}/owner", new { user = member.User })).EnsureSuccessStatusCode();
        var afterHandingOn = await ownerHttp.DeleteAsync($"/api/rooms/{room}/members/{owner.User}");

        await HttpSteps.AssertProblemAsync(leaving, HttpStatusCode.Conflict, "conflict");
        Assert.Equal("conflict", Assert.IsType<ErrorFrame>(byFrame).Code);
        Assert.Equal(HttpStatusCode.NoContent, afterHandingOn.StatusCode);
    }

    private async Task<InviteLinkView> InviteLinkOf(ChatTestClient maker, string room, object body)
    {
        using var http = System.Http(maker.Token);
        var response = await http.PostAsJsonAsync($"/api/rooms/{room}/invites", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadAsync<InviteLinkView>();
    }

    private async Task<HttpResponseMessage> Redeem(ChatTestClient user, string code)
    {
        using var http = System.Http(user.Token);
        return await http.PostAsync($"/api/invites/{code}", null);
    }

    [Fact]
    public async Task An_invite_link_joins_whoever_opens_it_to_a_private_room_until_it_is_used_up()
    {
        await using var owner = await System.ConnectNewUserAsync("owner");
        await using var first = await System.ConnectNewUserAsync("first");
        await using var second = await System.ConnectNewUserAsync("second");
        var room = Fresh.Room("priv");
        using var ownerHttp = System.Http(owner.Token);
        (await ownerHttp.PostAsJsonAsync("/api/rooms", new { id = room.Value, visibility = "private" })).EnsureSuccessStatusCode();

        var link = await InviteLinkOf(owner, room, new { maxUses = 1 });
        var joined = await Redeem(first, link.Code);
        var usedUp = await Redeem(second, link.Code);

        Assert.Equal(22, link.Code.Length);
        Assert.EndsWith($"#invite={link.Code}", link.Url);
        Assert.Equal(HttpStatusCode.OK, joined.StatusCode);
        Assert.Contains((await joined.ReadAsync<Room>()).Members, m => m.User == first.User);
        await HttpSteps.AssertProblemAsync(usedUp, HttpStatusCode.NotFound, "not_found");
        var seq = await owner.SendAsync(room, "welcome");
        Assert.Equal("welcome", (await first.WaitForEventAsync(room, seq)).Text);
    }

    [Fact]
    public async Task Expired_revoked_and_unknown_invite_links_are_not_found()
    {
        await using var owner = await System.ConnectNewUserAsync("owner");
        await using var guest = await System.ConnectNewUserAsync("guest");
        var room = Fresh.Room("priv");
        using var ownerHttp = System.Http(owner.Token);
        (await ownerHttp.PostAsJsonAsync("/api/rooms", new { id = room.Value, visibility = "private" })).EnsureSuccessStatusCode();
        var expiring = await InviteLinkOf(owner, room, new { expiresInSeconds = 1 });
        var revoked = await InviteLinkOf(owner, room, new { });

        Assert.Equal(HttpStatusCode.NoContent, (await ownerHttp.DeleteAsync($"/api/rooms/{room}/invites/{revoked.Code}")).StatusCode);
        await Eventually.Until(() => DateTimeOffset.UtcNow > expiring.ExpiresAt.AddMilliseconds(200), "the link expired");

        await HttpSteps.AssertProblemAsync(await Redeem(guest, expiring.Code), HttpStatusCode.NotFound, "not_found");
        await HttpSteps.AssertProblemAsync(await Redeem(guest, revoked.Code), HttpStatusCode.NotFound, "not_found");
        await HttpSteps.AssertProblemAsync(await Redeem(guest, "AAAAAAAAAAAAAAAAAAAAAA"), HttpStatusCode.NotFound, "not_found");
        await HttpSteps.AssertProblemAsync(await Redeem(guest, "not-a-code"), HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.NotFound, (await System.Http(guest.Token).GetAsync($"/api/rooms/{room}")).StatusCode);
    }

    [Fact]
    public async Task A_member_cannot_make_or_revoke_invite_links_and_a_banned_user_cannot_use_one()
    {
        await using var owner = await System.ConnectNewUserAsync("owner");
        await using var member = await System.ConnectNewUserAsync("member");
        await using var banned = await System.ConnectNewUserAsync("banned");
        var room = await PublicRoomWith(owner, member);
        using var ownerHttp = System.Http(owner.Token);
        using var memberHttp = System.Http(member.Token);
        (await ownerHttp.PostAsJsonAsync($"/api/rooms/{room}/bans", new { user = banned.User })).EnsureSuccessStatusCode();
        var link = await InviteLinkOf(owner, room, new { });

        await HttpSteps.AssertProblemAsync(await memberHttp.PostAsJsonAsync($"/api/rooms/{room}/invites", new { }), HttpStatusCode.Forbidden, "forbidden");
        await HttpSteps.AssertProblemAsync(await memberHttp.DeleteAsync($"/api/rooms/{room}/invites/{link.Code}"), HttpStatusCode.Forbidden, "forbidden");
        await HttpSteps.AssertProblemAsync(await Redeem(banned, link.Code), HttpStatusCode.Forbidden, "forbidden");
        await HttpSteps.AssertProblemAsync(
            await ownerHttp.PostAsJsonAsync($"/api/rooms/{room}/invites", new { maxUses = 0 }), HttpStatusCode.BadRequest, "validation");
    }
}
