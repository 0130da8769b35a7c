using ChatApp.Errors;
using ChatApp.Rooms;
using ChatApp.Tests.Grains.Support;
using ChatApp.Tests.Support;
using ChatApp.Users;
using Xunit;

namespace ChatApp.Tests.Grains.Rooms;

/// <summary>Edits and deletes: who may make them, and what they leave in the log and the message table.</summary>
public sealed class ChangingMessagesTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    /// <summary>A room owned by alice with bob as a member, and one message from each (seqs 3 and 4).</summary>
    private async Task<(IRoomGrain Grain, RoomId Room, UserName Alice, UserName Bob)> RoomWithTwoMessagesAsync()
    {
        var (room, alice, bob) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("bob"));
        var grain = cluster.Room(room);
        await grain.Join(alice);
        await grain.Join(bob);
        Assert.Equal(3, (await grain.Send(alice, Fresh.MsgId(), "alice says")).Seq);
        Assert.Equal(4, (await grain.Send(bob, Fresh.MsgId(), "bob says")).Seq);
        return (grain, room, alice, bob);
    }

    [Fact]
    public async Task Deleting_your_own_message_leaves_a_tombstone_and_a_delete_event()
    {
        var (grain, room, alice, _) = await RoomWithTwoMessagesAsync();

        var deleteSeq = await grain.Delete(alice, 3);

        Assert.Equal(5, deleteSeq);
        var tombstone = (await cluster.Tables.MessagesAsync(room))[0];
        Assert.Equal((3L, true, ""), (tombstone.Seq, tombstone.Deleted, tombstone.Text));
        var logged = (await cluster.Tables.EventsAsync(room))[^1];
        Assert.Equal((5L, RoomEventKind.Delete, alice, 3L, (string?)null), (logged.Seq, logged.Kind, logged.Sender, logged.Target, logged.Text));
        var replayed = Assert.Single((await grain.EventsAfter(alice, 4, 10)).Events);
        Assert.Equal((RoomEventKind.Delete, 3L), (replayed.Kind, replayed.Target));
        var shown = (await grain.History(alice, before: null, after: null, limit: 10)).Messages[0];
        Assert.Equal((3L, true, ""), (shown.Seq, shown.Deleted, shown.Text));
        Assert.Equal(5, (await grain.GetState()).LastSeq);
    }

    [Fact]
    public async Task A_member_cannot_delete_someone_elses_message()
    {
        var (grain, room, _, bob) = await RoomWithTwoMessagesAsync();
        var before = await cluster.Tables.CountAsync(room);

        var refused = await Assert.ThrowsAsync<ChatException>(() => grain.Delete(bob, 3));

        Assert.Equal(ErrorCodes.Forbidden, refused.Code);
        Assert.Equal(before, await cluster.Tables.CountAsync(room));
        Assert.False((await cluster.Tables.MessagesAsync(room))[0].Deleted);
    }

    [Fact]
    public async Task The_owner_may_delete_a_members_message()
    {
        var (grain, room, alice, _) = await RoomWithTwoMessagesAsync();

        Assert.Equal(5, await grain.Delete(alice, 4));

        Assert.True((await cluster.Tables.MessagesAsync(room))[1].Deleted);
    }

    [Fact]
    public async Task Deleting_a_message_twice_is_not_found()
    {
        var (grain, room, alice, _) = await RoomWithTwoMessagesAsync();
        await grain.Delete(alice, 3);
        var before = await cluster.Tables.CountAsync(room);

        var refused = await Assert.ThrowsAsync<ChatException>(() => grain.Delete(alice, 3));

        Assert.Equal(ErrorCodes.NotFound, refused.Code);
        Assert.Equal(before, await cluster.Tables.CountAsync(room));
    }

    [Theory]
    [InlineData(1)] // a join event, not a message
    [InlineData(99)] // nothing at all
    public async Task Deleting_or_editing_a_seq_that_is_no_message_is_not_found(long seq)
    {
        var (grain, _, alice, _) = await RoomWithTwoMessagesAsync();

        Assert.Equal(ErrorCodes.NotFound, (await Assert.ThrowsAsync<ChatException>(() => grain.Delete(alice, seq))).Code);
        Assert.Equal(ErrorCodes.NotFound, (await Assert.ThrowsAsync<ChatException>(() => grain.Edit(alice, seq, "new"))).Code);
    }

    [Fact]
    public async Task Editing_your_own_message_changes_its_text_and_edited_time()
    {
        var (grain, room, alice, _) = await RoomWithTwoMessagesAsync();

        var editSeq = await grain.Edit(alice, 3, "alice meant this");

        Assert.Equal(5, editSeq);
        var logged = (await cluster.Tables.EventsAsync(room))[^1];
        Assert.Equal((5L, RoomEventKind.Edit, alice, 3L, "alice meant this"), (logged.Seq, logged.Kind, logged.Sender, logged.Target, logged.Text));
        var edited = (await cluster.Tables.MessagesAsync(room))[0];
        Assert.Equal(("alice meant this", logged.Ts, false), (edited.Text, edited.EditedTs, edited.Deleted));
        Assert.True(edited.EditedTs >= edited.Ts);
        var shown = (await grain.History(alice, before: null, after: null, limit: 10)).Messages[0];
        Assert.Equal(("alice meant this", (DateTime?)logged.Ts), (shown.Text, shown.EditedTs));
    }

    [Fact]
    public async Task Editing_someone_elses_message_is_forbidden_even_for_the_owner()
    {
        var (grain, room, alice, bob) = await RoomWithTwoMessagesAsync();
        var before = await cluster.Tables.CountAsync(room);

        Assert.Equal(ErrorCodes.Forbidden, (await Assert.ThrowsAsync<ChatException>(() => grain.Edit(bob, 3, "bob's version"))).Code);
        Assert.Equal(ErrorCodes.Forbidden, (await Assert.ThrowsAsync<ChatException>(() => grain.Edit(alice, 4, "alice's version"))).Code);

        Assert.Equal(before, await cluster.Tables.CountAsync(room));
        Assert.Equal(["alice says", "bob says"], (await cluster.Tables.MessagesAsync(room)).Select(m => m.Text));
    }

    [Fact]
    public async Task Editing_with_invalid_text_is_refused_as_validation()
    {
        var (grain, _, alice, _) = await RoomWithTwoMessagesAsync();

        var refused = await Assert.ThrowsAsync<ChatException>(() => grain.Edit(alice, 3, "  "));

        Assert.Equal(ErrorCodes.Validation, refused.Code);
    }
}
