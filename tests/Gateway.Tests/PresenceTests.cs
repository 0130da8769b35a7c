using System.Net;
using System.Net.Http.Json;
using ChatApp.Gateway.Cluster;
using ChatApp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using PresenceChange = ChatApp.Rooms.PresenceChange;
using MembershipChange = ChatApp.Users.MembershipChange;
using UnreadChange = ChatApp.Users.UnreadChange;

namespace ChatApp.Tests.Gateway;

/// <summary>Presence, typing, unread counts, direct messages and mentions, as sockets see them.</summary>
public sealed class PresenceTests(ChatSystemFixture fixture) : IClassFixture<ChatSystemFixture>
{
    private ChatSystem System => fixture.System;

    private static Func<PresenceFrame, bool> Presence(string user, bool online) =>
        p => p.User == user && p.Online == online;

    [Fact]
    public async Task Members_see_each_other_come_online_and_go_offline_and_the_member_list_agrees()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var (bobName, bobToken) = await System.RegisterAsync("bob");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await using (var bob = await ChatTestClient.ConnectAsync(System.SocketUri, bobName, bobToken))
        {
            await bob.HelloAsync();
            await bob.JoinAsync(room);
            // Seen online before he goes: his session's "offline", sent right behind its "online", may
            // overtake it on the way to the room's relay, which then drops the older word and has nothing to tell.
            await alice.WaitForAsync(Presence(bobName, online: true));
            await bob.CloseAsync();
        }
        await alice.WaitForAsync(Presence(bobName, online: false));

        var offlineAt = alice.Frames.Count;
        await using var bobAgain = await ChatTestClient.ConnectAsync(System.SocketUri, bobName, bobToken);
        await bobAgain.HelloAsync();

        await alice.WaitForAsync(_ => alice.Frames.Skip(offlineAt).OfType<PresenceFrame>().Any(Presence(bobName, online: true)));
        using var http = System.Http(alice.Token);
        var details = await http.GetFromJsonAsync<Room>($"/api/rooms/{room}");
        Assert.True(details!.Members.Single(m => m.User == bobName).Online);
    }

    [Fact]
    public async Task A_socket_dropped_without_a_close_turns_its_user_offline()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var bob = await System.ConnectNewUserAsync("bob");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);
        await alice.WaitForAsync(Presence(bob.User, online: true)); // as above: "online" first, or nothing to see

        bob.Abort();

        await alice.WaitForAsync(Presence(bob.User, online: false));
        await bob.DisposeAsync();
    }

    [Fact]
    public async Task A_presence_change_overtaken_on_the_way_by_a_newer_one_is_not_passed_on()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        var hub = System.GatewayServices.GetRequiredService<ConnectionHub>();
        var (bob, carol) = (Fresh.User("bob"), Fresh.User("carol"));

        // The relay said "online" and then "offline"; the two one-way calls reached the gateway the other way round.
        hub.OnPresence(new PresenceChange(room, bob, Online: false, Stamp: 20));
        hub.OnPresence(new PresenceChange(room, bob, Online: true, Stamp: 10));
        // Queued on alice's socket behind whatever the two above queued.
        hub.OnPresence(new PresenceChange(room, carol, Online: true, Stamp: 10));

        await alice.WaitForAsync<PresenceFrame>(p => p.User == carol);
        Assert.Equal([false], alice.Frames.OfType<PresenceFrame>().Where(p => p.User == bob).Select(p => p.Online));
    }

    [Fact]
    public async Task An_unread_count_overtaken_on_the_way_by_a_newer_one_is_not_passed_on()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var (room, quiet) = (Fresh.Room(), Fresh.Room());
        var hub = System.GatewayServices.GetRequiredService<ConnectionHub>();

        // Alice read up to 7 and then up to 9 on another device; the two counts arrived the other way round.
        hub.OnUnread(new UnreadChange(alice.User, room, Count: 0, LastReadSeq: 9));
        hub.OnUnread(new UnreadChange(alice.User, room, Count: 2, LastReadSeq: 7));
        // Queued on alice's socket behind whatever the two above queued.
        hub.OnUnread(new UnreadChange(alice.User, quiet, Count: 0, LastReadSeq: 1));

        await alice.WaitForAsync<UnreadFrame>(u => u.Room == quiet);
        Assert.Equal([9L], alice.Frames.OfType<UnreadFrame>().Where(u => u.Room == room).Select(u => u.LastReadSeq));
    }

    [Fact]
    public async Task What_orders_a_users_notices_is_kept_while_they_have_a_socket_here_and_forgotten_with_their_last()
    {
        var hub = System.GatewayServices.GetRequiredService<ConnectionHub>();
        var alice = await System.ConnectNewUserAsync("alice");
        await using var other = await ChatTestClient.ConnectAsync(System.SocketUri, alice.User, alice.Token);
        await other.HelloAsync();
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        hub.OnUnread(new UnreadChange(alice.User, room, Count: 0, LastReadSeq: 1));
        Assert.True(hub.KeepsStampsFor(alice.User));

        await alice.DisposeAsync();
        // One socket of hers is still here: the stamps stay, and a stale count is still refused.
        await other.WaitForAsync<UnreadFrame>(u => u.Room == room);
        hub.OnUnread(new UnreadChange(alice.User, room, Count: 5, LastReadSeq: 1));
        Assert.True(hub.KeepsStampsFor(alice.User));

        await other.DisposeAsync();
        await Eventually.Until(() => !hub.KeepsStampsFor(alice.User), "her stamps forgotten with her last socket");
        // Notices about a user with no socket here change nothing here, and leave nothing behind.
        hub.OnUnread(new UnreadChange(alice.User, room, Count: 3, LastReadSeq: 2));
        hub.OnMembershipChanged(new MembershipChange(alice.User, room, Joined: false, Seq: 7));
        Assert.False(hub.KeepsStampsFor(alice.User));
    }

    [Fact]
    public async Task Typing_reaches_the_other_members_but_not_the_typist_and_not_strangers()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        await using var bob = await System.ConnectNewUserAsync("bob");
        await using var stranger = await System.ConnectNewUserAsync("stranger");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);

        await stranger.SendFrameAsync("typing", reference: null, new { room });
        await alice.SendFrameAsync("typing", reference: null, new { room });

        var typing = await bob.WaitForAsync<TypingFrame>();
        Assert.Equal(alice.User, typing.User);
        Assert.Equal(room, typing.Room);
        await alice.RequestAsync("ping");
        Assert.DoesNotContain(alice.Frames, f => f is TypingFrame);
        Assert.DoesNotContain(bob.Frames, f => f is TypingFrame t && t.User == stranger.User);
    }

    [Fact]
    public async Task Reading_updates_every_device_of_the_reader_and_the_room_list()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        await using var bob = await System.ConnectNewUserAsync("bob");
        await using var bobsPhone = await System.ConnectAgainAsync(bob);
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);
        await alice.SendAsync(room, "one");
        var last = await alice.SendAsync(room, "two");
        await bob.SendAsync(room, "my own");

        using var http = System.Http(bob.Token);
        var rooms = await http.GetFromJsonAsync<RoomSummary[]>("/api/rooms");
        Assert.Equal(2, rooms!.Single(r => r.Id == room).Unread);

        (await bob.RequestAsync("read", new { room, seq = last })).Ok();

        var unread = await bobsPhone.WaitForAsync<UnreadFrame>();
        Assert.Equal(0, unread.Count);
        Assert.Equal(last, unread.LastReadSeq);
        var after = await http.GetFromJsonAsync<RoomSummary[]>("/api/rooms");
        Assert.Equal(0, after!.Single(r => r.Id == room).Unread);
        Assert.Equal(HttpStatusCode.NoContent, (await http.PostAsJsonAsync($"/api/rooms/{room}/read", new { seq = 1 })).StatusCode);
    }

    [Fact]
    public async Task A_direct_message_room_is_made_once_and_only_its_two_users_see_it()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        await using var bob = await System.ConnectNewUserAsync("bob");
        await using var eve = await System.ConnectNewUserAsync("eve");
        using var aliceHttp = System.Http(alice.Token);
        using var bobHttp = System.Http(bob.Token);

        var first = await (await aliceHttp.PostAsJsonAsync("/api/dms", new { user = bob.User })).ReadAsync<Room>();
        var second = await (await bobHttp.PostAsJsonAsync("/api/dms", new { user = alice.User })).ReadAsync<Room>();
        var id = first.Id;

        Assert.Equal(id, second.Id);
        Assert.StartsWith("dm:", id);
        Assert.Equal(bob.User, first.Topic);
        Assert.Equal(alice.User, second.Topic);
        var seq = await alice.SendAsync(id, "just between us");
        Assert.Equal("just between us", (await bob.WaitForEventAsync(id, seq)).Text);
        using var eveHttp = System.Http(eve.Token);
        Assert.Equal(HttpStatusCode.NotFound, (await eveHttp.GetAsync($"/api/rooms/{Uri.EscapeDataString(id)}")).StatusCode);
        // Nobody joins a direct-message room by name, whether it exists or not: its existence stays hidden.
        Assert.Equal("validation", Assert.IsType<ErrorFrame>(await eve.RequestAsync("join", new { room = id })).Code);
        Assert.Equal("not_found", Assert.IsType<ErrorFrame>(await eve.RequestAsync("history", new { room = id, before = 10 })).Code);
    }

    [Fact]
    public async Task A_mention_notifies_the_mentioned_user_even_off_screen()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        await using var bob = await System.ConnectNewUserAsync("bob");
        await using var carol = await System.ConnectNewUserAsync("carol");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);
        await carol.JoinAsync(room);

        var seq = await alice.SendAsync(room, $"@{bob.User} can you look?");

        var mention = await bob.WaitForAsync<MentionFrame>();
        Assert.Equal(room, mention.Room);
        Assert.Equal(seq, mention.Seq);
        Assert.Equal(alice.User, mention.Sender);
        await carol.WaitForEventAsync(room, seq);
        await carol.RequestAsync("ping");
        Assert.DoesNotContain(carol.Frames, f => f is MentionFrame);
    }
}
