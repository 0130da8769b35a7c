using System.Net;
using System.Net.Http.Json;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>
/// Roles, private rooms, kicks and bans, tried from both sides: what each role may do, and what
/// a stranger or a plain member trying the same is told. The grain decides; these tests attack
/// it through the gateway as any client would.
/// </summary>
public sealed class ModerationTests(ChatSystemFixture fixture) : IClassFixture<ChatSystemFixture>
{
    private ChatSystem System => fixture.System;

    private async Task<string> CreatePrivateRoom(ChatTestClient owner)
    {
        var room = Fresh.Room("priv");
        using var http = System.Http(owner.Token);
        var response = await http.PostAsJsonAsync("/api/rooms", new { id = room, visibility = "private", topic = "secret" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(owner.User, (await response.ReadAsync<Room>()).Owner);
        return room;
    }

    private async Task<HttpStatusCode> Post(ChatTestClient actor, string path, object body)
    {
        using var http = System.Http(actor.Token);
        return (await http.PostAsJsonAsync(path, body)).StatusCode;
    }

    private static string CodeOf(AnswerFrame answer) => answer is ErrorFrame error ? error.Code : "ok";

    [Fact]
    public async Task A_private_room_does_not_exist_for_strangers_anywhere()
    {
        await using var owner = await System.ConnectNewUserAsync("owner");
        await using var stranger = await System.ConnectNewUserAsync("stranger");
        var room = await CreatePrivateRoom(owner);
        await owner.SendAsync(room, "classified");
        using var http = System.Http(stranger.Token);

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/rooms/{room}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/rooms/{room}/messages?before=100")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/search?q=classified&room={room}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsJsonAsync($"/api/rooms/{room}/messages", new { clientMsgId = "x", text = "hi" })).StatusCode);
        Assert.DoesNotContain(await http.GetFromJsonAsync<RoomSummary[]>("/api/rooms") ?? [], r => r.Id == room);
        Assert.Equal("not_found", CodeOf(await stranger.RequestAsync("join", new { room })));
        Assert.Equal("not_found", CodeOf(await stranger.RequestAsync("send", new { room, clientMsgId = "x", text = "hi" })));
        Assert.Equal("not_found", CodeOf(await stranger.RequestAsync("history", new { room, before = 100 })));
        Assert.Equal("not_found", CodeOf(await stranger.RequestAsync("delete", new { room, seq = 2 })));
        Assert.Equal("not_found", CodeOf(await stranger.RequestAsync("edit", new { room, seq = 2, text = "mine now" })));
    }

    [Fact]
    public async Task Resuming_a_private_room_one_does_not_belong_to_replays_nothing()
    {
        await using var owner = await System.ConnectNewUserAsync("owner");
        var room = await CreatePrivateRoom(owner);
        await owner.SendAsync(room, "classified");
        var (name, token) = await System.RegisterAsync("spy");
        await using var spy = await ChatTestClient.ConnectAsync(System.SocketUri, name, token);

        var hello = await spy.HelloAsync(new Dictionary<string, long> { [room] = 0 });
        await spy.RequestAsync("ping");

        Assert.Empty(hello.Rooms);
        Assert.Empty(spy.Events(room));
    }

    [Fact]
    public async Task The_owner_invites_people_to_a_private_room_they_join_by_accepting_and_a_member_cannot()
    {
        await using var owner = await System.ConnectNewUserAsync("owner");
        await using var guest = await System.ConnectNewUserAsync("guest");
        await using var other = await System.ConnectNewUserAsync("other");
        var room = await CreatePrivateRoom(owner);

        Assert.Equal(HttpStatusCode.Accepted, await Post(owner, $"/api/rooms/{room}/members", new { user = guest.User }));
        await guest.WaitForAsync<InvitationFrame>(i => i.Room == room && i.InvitedBy == owner.User);
        Assert.Equal(HttpStatusCode.OK, await Post(guest, $"/api/invitations/{room}", new { }));
        Assert.Equal(HttpStatusCode.Forbidden, await Post(guest, $"/api/rooms/{room}/members", new { user = other.User }));
        Assert.Equal(HttpStatusCode.NotFound, await Post(other, $"/api/rooms/{room}/members", new { user = other.User }));

        // The member's open connection follows the room once they accepted.
        var seq = await owner.SendAsync(room, "welcome");
        var seen = await guest.WaitForEventAsync(room, seq);
        Assert.Equal("welcome", seen.Text);
    }

    [Fact]
    public async Task A_kicked_member_stops_receiving_the_room_at_once_and_others_see_the_kick()
    {
        await using var owner = await System.ConnectNewUserAsync("owner");
        await using var member = await System.ConnectNewUserAsync("member");
        await using var bystander = await System.ConnectNewUserAsync("bystander");
        var room = Fresh.Room();
        await owner.JoinAsync(room);
        await member.JoinAsync(room);
        await bystander.JoinAsync(room);
        using var http = System.Http(owner.Token);

        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/api/rooms/{room}/members/{member.User}")).StatusCode);
        var kick = await owner.WaitForAsync<EventFrame>(e => e.Kind == "kick");
        await member.WaitForAsync<EventFrame>(e => e.Kind == "kick" && e.Room == room);
        var after = await owner.SendAsync(room, "you are gone");
        // Barrier: another member received the message, so it was delivered; the kicked member did not get it.
        await bystander.WaitForEventAsync(room, after);
        await member.RequestAsync("ping");

        Assert.Equal(member.User, kick.User);
        Assert.Equal(owner.User, kick.Sender);
        Assert.DoesNotContain(member.Events(room), e => e.Seq == after);
        Assert.Equal("not_found", CodeOf(await member.RequestAsync("send", new { room, clientMsgId = "x", text = "still here?" })));
    }

    [Fact]
    public async Task A_banned_user_cannot_join_again()
    {
        await using var owner = await System.ConnectNewUserAsync("owner");
        await using var troll = await System.ConnectNewUserAsync("troll");
        var room = Fresh.Room();
        await owner.JoinAsync(room);
        await troll.JoinAsync(room);

        Assert.Equal(HttpStatusCode.Forbidden, await Post(troll, $"/api/rooms/{room}/bans", new { user = owner.User }));
        Assert.Equal(HttpStatusCode.NoContent, await Post(owner, $"/api/rooms/{room}/bans", new { user = troll.User }));

        Assert.Equal("forbidden", CodeOf(await troll.RequestAsync("join", new { room })));
        Assert.Equal(HttpStatusCode.Forbidden, await Post(troll, $"/api/rooms/{room}/members", new { user = troll.User }));
    }

    [Fact]
    public async Task A_moderator_deletes_others_messages_and_removes_members_but_not_the_owner()
    {
        await using var owner = await System.ConnectNewUserAsync("owner");
        await using var mod = await System.ConnectNewUserAsync("mod");
        await using var member = await System.ConnectNewUserAsync("member");
        var room = Fresh.Room();
        await owner.JoinAsync(room);
        await mod.JoinAsync(room);
        await member.JoinAsync(room);
        var spam = await member.SendAsync(room, "spam");
        var ownerSays = await owner.SendAsync(room, "rules");

        Assert.Equal("forbidden", CodeOf(await mod.RequestAsync("delete", new { room, seq = spam })));
        using (var http = System.Http(member.Token))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await http.PutAsJsonAsync($"/api/rooms/{room}/members/{member.User}/role", new { role = "moderator" })).StatusCode);
        }
        using (var http = System.Http(owner.Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await http.PutAsJsonAsync($"/api/rooms/{room}/members/{mod.User}/role", new { role = "moderator" })).StatusCode);
            var details = await http.GetFromJsonAsync<Room>($"/api/rooms/{room}");
            Assert.Equal("moderator", details!.Roles[mod.User]);
        }

        Assert.Equal("ok", CodeOf(await mod.RequestAsync("delete", new { room, seq = spam })));
        Assert.Equal("forbidden", CodeOf(await member.RequestAsync("delete", new { room, seq = ownerSays })));
        using (var http = System.Http(mod.Token))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await http.DeleteAsync($"/api/rooms/{room}/members/{owner.User}")).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/api/rooms/{room}/members/{member.User}")).StatusCode);
        }
    }

    [Fact]
    public async Task A_user_named_in_a_frame_changes_nothing_about_who_acts()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        await using var mallory = await System.ConnectNewUserAsync("mallory");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await mallory.JoinAsync(room);

        var reply = (await mallory.RequestAsync("send",
            new { room, clientMsgId = "forged", text = "I am alice", sender = alice.User, user = alice.User })).Ok<SendReply>();

        var seen = await alice.WaitForEventAsync(room, reply.Seq);
        Assert.Equal(mallory.User, seen.Sender);
    }

    [Fact]
    public async Task Creating_a_room_twice_is_a_conflict_and_bad_rooms_are_refused()
    {
        await using var owner = await System.ConnectNewUserAsync("owner");
        var room = await CreatePrivateRoom(owner);

        Assert.Equal(HttpStatusCode.Conflict, await Post(owner, "/api/rooms", new { id = room, visibility = "public" }));
        Assert.Equal(HttpStatusCode.BadRequest, await Post(owner, "/api/rooms", new { id = "Bad Id!", visibility = "public" }));
        Assert.Equal(HttpStatusCode.BadRequest, await Post(owner, "/api/rooms", new { id = Fresh.Room(), visibility = "secret" }));
    }
}
