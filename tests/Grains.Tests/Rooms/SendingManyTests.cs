using ChatApp.Errors;
using ChatApp.Rooms;
using ChatApp.Tests.Grains.Support;
using ChatApp.Tests.Support;
using ChatApp.Users;
using Xunit;

namespace ChatApp.Tests.Grains.Rooms;

/// <summary>
/// A gateway's batch of sends to one room (<see cref="IRoomGrain.SendMany"/>): each answered as it
/// would be alone, the stored ones numbered without gaps and published in order.
/// </summary>
public sealed class SendingManyTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_batch_of_several_members_gets_consecutive_seqs_in_the_log_the_table_the_stream_and_the_join_page()
    {
        var (room, alice, bob) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("bob"));
        var grain = cluster.Room(room);
        await grain.Join(alice);
        await grain.Join(bob);
        using var gateway = cluster.NewGateway();
        await cluster.Relay(room).Watch(gateway.Reference, TimeSpan.FromMinutes(1));

        var outcomes = await grain.SendMany(
        [
            new(alice, "a1", "one"),
            new(bob, "b1", "two @" + alice),
            new(alice, "a2", "three"),
        ]);

        Assert.Equal([3L, 4L, 5L], outcomes.Select(o => o.Result.Seq));
        Assert.All(outcomes, o => Assert.False(o.Result.Repeated));
        var log = await cluster.Tables.EventsAsync(room);
        Assert.Equal([1L, 2L, 3L, 4L, 5L], log.Select(e => e.Seq));
        Assert.Equal(
            [(3L, alice.Value, "a1", "one"), (4L, bob.Value, "b1", "two @" + alice), (5L, alice.Value, "a2", "three")],
            (await cluster.Tables.MessagesAsync(room)).Select(m => (m.Seq, m.Sender, m.ClientMsgId ?? "", m.Text)));
        Assert.Equal(outcomes.Select(o => o.Result.Ts), (await cluster.Tables.MessagesAsync(room)).Select(m => m.Ts));
        // Published together, received in order by a watching gateway.
        Assert.Equal([3L, 4L, 5L], (await gateway.EventsWithAsync(room, 5)).Where(e => e.Kind == RoomEventKind.Message).Select(e => e.Seq));
        Assert.Equal(5, (await grain.GetState()).LastSeq);
        Assert.Equal(["one", "two @" + alice, "three"], (await grain.Join(Fresh.User("carol"))).Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task A_refused_send_in_a_batch_is_answered_alone_and_the_others_are_stored_without_a_gap()
    {
        var (room, alice, bob, stranger) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("bob"), Fresh.User("stranger"));
        var grain = cluster.Room(room);
        await grain.Join(alice);
        await grain.Join(bob);
        var earlier = await grain.Send(alice, "sent-before", "hello"); // seq 3

        var outcomes = await grain.SendMany(
        [
            new(alice, "a1", "fine"),
            new(bob, "b1", "to nothing", ReplyTo: 99),
            new(stranger, "s1", "let me in"),
            new(alice, "a2", "   "),
            new(alice, "sent-before", "hello"),
            new(bob, "b2", "answer", ReplyTo: earlier.Seq),
        ]);

        Assert.Equal(4, outcomes[0].Result.Seq);
        Assert.Equal(ErrorCodes.NotFound, outcomes[1].Refused?.Code);
        Assert.Equal(ErrorCodes.Forbidden, outcomes[2].Refused?.Code);
        Assert.Equal(ErrorCodes.Validation, outcomes[3].Refused?.Code);
        Assert.Equal((earlier.Seq, earlier.Ts, true), (outcomes[4].Result.Seq, outcomes[4].Result.Ts, outcomes[4].Result.Repeated));
        Assert.Equal((5L, false), (outcomes[5].Result.Seq, outcomes[5].Result.Repeated));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], (await cluster.Tables.EventsAsync(room)).Select(e => e.Seq));
        Assert.Equal([(3L, (long?)null), (4L, null), (5L, earlier.Seq)], await cluster.Tables.RepliesAsync(room));
        Assert.Equal(6, (await grain.Send(alice, Fresh.MsgId(), "next")).Seq);
    }

    [Fact]
    public async Task A_clientMsgId_repeated_within_a_batch_is_answered_with_the_first_seq_and_stored_once()
    {
        var (room, alice, bob) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("bob"));
        var grain = cluster.Room(room);
        await grain.Join(alice);
        await grain.Join(bob);

        var outcomes = await grain.SendMany(
        [
            new(alice, "x", "once"),
            new(alice, "x", "twice?"),
            new(bob, "x", "bob's own"),
            new(alice, "x", "thrice?"),
        ]);

        var first = outcomes[0].Result;
        Assert.Equal((3L, false), (first.Seq, first.Repeated));
        Assert.Equal([(first.Seq, first.Ts, true), (first.Seq, first.Ts, true)],
            new[] { outcomes[1], outcomes[3] }.Select(o => (o.Result.Seq, o.Result.Ts, o.Result.Repeated)));
        Assert.Equal((4L, false), (outcomes[2].Result.Seq, outcomes[2].Result.Repeated));
        Assert.Equal([("once", alice.Value), ("bob's own", bob.Value)], (await cluster.Tables.MessagesAsync(room)).Select(m => (m.Text, m.Sender)));
    }

    [Fact]
    public async Task A_repeat_within_a_batch_whose_first_was_refused_is_tried_itself()
    {
        var (room, alice) = (Fresh.Room(), Fresh.User("alice"));
        var grain = cluster.Room(room);
        await grain.Join(alice);

        var outcomes = await grain.SendMany(
        [
            new(alice, "y", "a reply to nothing", ReplyTo: 42),
            new(alice, "y", "said plainly"),
        ]);

        Assert.Equal(ErrorCodes.NotFound, outcomes[0].Refused?.Code);
        Assert.Equal((2L, false), (outcomes[1].Result.Seq, outcomes[1].Result.Repeated));
        Assert.Equal("said plainly", Assert.Single(await cluster.Tables.MessagesAsync(room)).Text);
    }
}
