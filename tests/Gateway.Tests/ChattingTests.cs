using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

public sealed class ChattingTests(ChatSystemFixture fixture) : IClassFixture<ChatSystemFixture>
{
    private ChatSystem System => fixture.System;

    [Fact]
    public async Task A_message_reaches_the_other_member_with_its_seq()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room) = pair;

        var seq = await alice.SendAsync(room, "hello bob", clientMsgId: "m1");

        Assert.Equal(pair.BobJoinedAt + 1, seq);
        var seen = await bob.WaitForEventAsync(room, seq);
        Assert.Equal("message", seen.Kind);
        Assert.Equal("hello bob", seen.Text);
        Assert.Equal(alice.User, seen.Sender);
        Assert.Equal("m1", seen.ClientMsgId);
    }

    [Fact]
    public async Task Joining_a_new_room_creates_it_public_with_the_joiner_as_owner()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();

        var joined = await alice.JoinAsync(room);

        Assert.Equal(room, joined.Room.Id);
        Assert.Equal("public", joined.Room.Visibility);
        Assert.Equal(alice.User, joined.Room.Owner);
        var member = Assert.Single(joined.Room.Members);
        Assert.Equal(alice.User, member.User);
        Assert.Equal("owner", member.Role);
        Assert.Equal(1, joined.LastSeq);
        Assert.Empty(joined.Messages);
    }

    [Fact]
    public async Task A_second_joiner_becomes_a_member_sees_recent_messages_and_is_announced()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        await using var bob = await System.ConnectNewUserAsync("bob");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        var seq = await alice.SendAsync(room, "before bob came");

        var joined = await bob.JoinAsync(room);

        Assert.Equal(new Dictionary<string, string> { [alice.User] = "owner", [bob.User] = "member" }, joined.Room.Roles);
        Assert.Equal(alice.User, joined.Room.Owner);
        var message = Assert.Single(joined.Messages);
        Assert.Equal("before bob came", message.Text);
        Assert.Equal(seq + 1, joined.LastSeq);
        var announced = await alice.WaitForEventAsync(room, seq + 1);
        Assert.Equal("join", announced.Kind);
        Assert.Equal(bob.User, announced.User);
    }

    [Fact]
    public async Task Messages_sent_quickly_by_two_members_reach_every_member_in_seq_order_without_gaps()
    {
        const int PerSender = 20;
        await using var alice = await System.ConnectNewUserAsync("alice");
        await using var bob = await System.ConnectNewUserAsync("bob");
        await using var carol = await System.ConnectNewUserAsync("carol");
        var room = Fresh.Room();
        var members = new[] { alice, bob, carol };
        var startedAt = new Dictionary<ChatTestClient, long>();
        foreach (var member in members)
        {
            startedAt[member] = (await member.JoinAsync(room)).LastSeq;
        }

        // Frames are written back to back without waiting for replies, from two sockets at once.
        var sent = await Task.WhenAll(alice.SendBurstAsync(room, PerSender), bob.SendBurstAsync(room, PerSender));

        var last = sent.SelectMany(s => s).Max();
        Assert.Equal(startedAt[carol] + 2 * PerSender, last);
        foreach (var seqs in sent)
        {
            Assert.Equal(seqs.Order(), seqs); // one socket's sends are stored in the order it sent them
        }
        foreach (var member in members)
        {
            await member.WaitForEventAsync(room, last);
            var expected = Enumerable.Range(0, (int)(last - startedAt[member])).Select(i => startedAt[member] + 1 + i);
            Assert.Equal(expected, member.Seqs(room));
        }
    }

    [Fact]
    public async Task A_joiner_receives_every_event_after_the_seq_its_join_reply_shows_while_others_keep_sending()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        await using var bob = await System.ConnectNewUserAsync("bob");
        var room = Fresh.Room();
        await alice.JoinAsync(room);

        var burst = alice.SendBurstAsync(room, 20);
        var joined = await bob.JoinAsync(room);
        var last = (await burst).Max();

        var shown = joined.LastSeq;
        await bob.WaitForEventAsync(room, last);
        Assert.Equal(Enumerable.Range(1, (int)(last - shown)).Select(i => shown + i), bob.Seqs(room));
    }

    [Fact]
    public async Task Both_connections_of_a_user_receive_the_rooms_events()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room) = pair;
        await using var bobOnPhone = await System.ConnectAgainAsync(bob);

        var seq = await alice.SendAsync(room, "to both of your devices");

        Assert.Equal("to both of your devices", (await bob.WaitForEventAsync(room, seq)).Text);
        Assert.Equal("to both of your devices", (await bobOnPhone.WaitForEventAsync(room, seq)).Text);
    }

    [Fact]
    public async Task A_join_on_one_device_makes_the_users_other_connection_follow_the_room()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        await using var bob = await System.ConnectNewUserAsync("bob");
        await using var bobOnPhone = await System.ConnectAgainAsync(bob);
        var room = Fresh.Room();
        await alice.JoinAsync(room);

        var joined = await bob.JoinAsync(room);
        var seq = await alice.SendAsync(room, "reaches the phone too");

        Assert.Equal("reaches the phone too", (await bobOnPhone.WaitForEventAsync(room, seq)).Text);
        Assert.Equal(Enumerable.Range(1, (int)(seq - joined.LastSeq)).Select(i => joined.LastSeq + i), bobOnPhone.Seqs(room));
    }

    [Fact]
    public async Task Leaving_on_one_device_stops_the_rooms_events_on_every_connection_of_the_user()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        await using var bob = await System.ConnectNewUserAsync("bob");
        await using var bobOnPhone = await System.ConnectAgainAsync(bob);
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);
        var before = await alice.SendAsync(room, "still here");
        await bob.WaitForEventAsync(room, before);
        await bobOnPhone.WaitForEventAsync(room, before);

        (await bob.RequestAsync("leave", new { room })).Ok();
        var after = await alice.SendAsync(room, "gone already");
        await alice.WaitForEventAsync(room, after);

        // Anything the gateway had queued for Bob's sockets is ahead of these pings' replies.
        await bob.AssertStillUsableAsync();
        await bobOnPhone.AssertStillUsableAsync();
        Assert.DoesNotContain(bob.Seqs(room), s => s >= after);
        Assert.DoesNotContain(bobOnPhone.Seqs(room), s => s >= after);
        ChatSteps.AssertError(await bob.RequestAsync("send", new { room, clientMsgId = "late", text = "let me back" }), "not_found");
    }
}
