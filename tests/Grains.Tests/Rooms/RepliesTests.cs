using ChatApp.Errors;
using ChatApp.Rooms;
using ChatApp.Tests.Grains.Support;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Grains.Rooms;

/// <summary>A message that answers another: stored with the seq it answers, only when that seq is a message of the room.</summary>
public sealed class RepliesTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_reply_names_the_message_it_answers_in_the_log_the_table_history_and_the_join_page()
    {
        var (room, alice, bob) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("bob"));
        var grain = cluster.Room(room);
        await grain.Join(alice);
        await grain.Join(bob);
        var question = (await grain.Send(alice, Fresh.MsgId(), "lunch?")).Seq;

        var answer = (await grain.Send(bob, Fresh.MsgId(), "yes", replyTo: question)).Seq;

        Assert.Equal(question, (await cluster.Tables.EventsAsync(room))[^1].ReplyTo);
        Assert.Equal([(question, (long?)null), (answer, question)], await cluster.Tables.RepliesAsync(room));
        var replayed = (await grain.EventsAfter(alice, question, 10)).Events.Single();
        Assert.Equal((answer, (long?)question), (replayed.Seq, replayed.ReplyTo));
        var shown = (await grain.History(alice, before: null, after: null, limit: 10)).Messages;
        Assert.Equal([null, question], shown.Select(m => m.ReplyTo));
        var joined = await grain.Join(Fresh.User("carol"));
        Assert.Equal(question, joined.Messages.Single(m => m.Seq == answer).ReplyTo);
    }

    [Fact]
    public async Task A_reply_to_a_seq_that_is_no_message_of_this_room_is_not_found_and_stores_nothing()
    {
        var (room, other, alice, bob) = (Fresh.Room(), Fresh.Room(), Fresh.User("alice"), Fresh.User("bob"));
        // In the other room seq 3 is a message; in this one it does not exist yet.
        await cluster.Room(other).Join(alice);
        await cluster.Room(other).Join(bob);
        Assert.Equal(3, (await cluster.Room(other).Send(alice, Fresh.MsgId(), "elsewhere")).Seq);
        var grain = cluster.Room(room);
        await grain.Join(alice);
        Assert.Equal(2, (await grain.Send(alice, Fresh.MsgId(), "here")).Seq);
        var before = await cluster.Tables.CountAsync(room);

        foreach (var seq in new long[] { 1, 3, 99 }) // a join, another room's message, nothing
        {
            var refused = await Assert.ThrowsAsync<ChatException>(() => grain.Send(alice, Fresh.MsgId(), "answer", replyTo: seq));
            Assert.Equal(ErrorCodes.NotFound, refused.Code);
        }

        Assert.Equal(before, await cluster.Tables.CountAsync(room));
        Assert.Equal(3, (await grain.Send(alice, Fresh.MsgId(), "the log did not move")).Seq);
    }

    [Fact]
    public async Task A_reply_may_answer_a_message_deleted_since_and_history_keeps_the_link()
    {
        var (room, alice) = (Fresh.Room(), Fresh.User("alice"));
        var grain = cluster.Room(room);
        await grain.Join(alice);
        var first = (await grain.Send(alice, Fresh.MsgId(), "regrettable")).Seq;
        await grain.Delete(alice, first);

        var reply = (await grain.Send(alice, Fresh.MsgId(), "about that", replyTo: first)).Seq;

        var shown = (await grain.History(alice, before: null, after: null, limit: 10)).Messages;
        Assert.True(shown.Single(m => m.Seq == first).Deleted);
        Assert.Equal(first, shown.Single(m => m.Seq == reply).ReplyTo);
    }
}
