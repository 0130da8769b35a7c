using ChatApp.Errors;
using ChatApp.Rooms;
using ChatApp.Tests.Grains.Support;
using ChatApp.Tests.Support;
using ChatApp.Users;
using Xunit;

namespace ChatApp.Tests.Grains.Rooms;

/// <summary>Reading a room back: message pages either way from a seq, and the raw event log.</summary>
public sealed class HistoryTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    /// <summary>A room with alice's join (seq 1) and ten messages "m2".."m11" at seqs 2..11.</summary>
    private async Task<(IRoomGrain Grain, UserName Alice)> RoomWithTenMessagesAsync()
    {
        var (room, alice) = (Fresh.Room(), Fresh.User("alice"));
        var grain = cluster.Room(room);
        await grain.Join(alice);
        for (var seq = 2; seq <= 11; seq++)
        {
            Assert.Equal(seq, (await grain.Send(alice, Fresh.MsgId(), $"m{seq}")).Seq);
        }
        return (grain, alice);
    }

    [Fact]
    public async Task History_before_pages_back_from_the_newest_each_page_ascending()
    {
        var (grain, alice) = await RoomWithTenMessagesAsync();

        var newest = await grain.History(alice, before: null, after: null, limit: 4);
        var older = await grain.History(alice, before: 8, after: null, limit: 4);
        var oldest = await grain.History(alice, before: 4, after: null, limit: 4);

        Assert.Equal([8L, 9L, 10L, 11L], newest.Messages.Select(e => e.Seq));
        Assert.True(newest.HasMore);
        Assert.Equal([4L, 5L, 6L, 7L], older.Messages.Select(e => e.Seq));
        Assert.True(older.HasMore);
        Assert.Equal([2L, 3L], oldest.Messages.Select(e => e.Seq));
        Assert.False(oldest.HasMore);
        Assert.Equal(["m8", "m9", "m10", "m11"], newest.Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task A_join_shows_the_newest_messages_exactly_as_stored_edits_and_deletes_included()
    {
        var (grain, alice) = await RoomWithTenMessagesAsync();
        var bob = Fresh.User("bob");
        await grain.Join(bob); // the room's newest page is now in memory
        for (var i = 0; i < 55; i++)
        {
            await grain.Send(bob, Fresh.MsgId(), $"more {i}");
        }
        var page = await grain.History(alice, before: null, after: null, limit: 50);
        await grain.Edit(bob, page.Messages[1].Seq, "edited, oldest shown"); // still among the newest 50 after the next send
        await grain.Delete(bob, page.Messages[^1].Seq);
        await grain.Send(bob, "retry-me", "said once");
        await grain.Send(bob, "retry-me", "said once");

        var joined = await grain.Join(Fresh.User("carol"));

        var stored = await grain.History(alice, before: null, after: null, limit: 50);
        Assert.Equal(stored.Messages.Select(AsStored), joined.Messages.Select(AsStored));
        Assert.Contains(joined.Messages, m => m is { Deleted: true, Text: "" });
        Assert.Contains(joined.Messages, m => m.Text == "edited, oldest shown" && m.EditedTs is not null);
    }

    [Fact]
    public async Task History_after_pages_forward_ascending()
    {
        var (grain, alice) = await RoomWithTenMessagesAsync();

        var first = await grain.History(alice, before: null, after: 0, limit: 4);
        var next = await grain.History(alice, before: null, after: 5, limit: 4);
        var last = await grain.History(alice, before: null, after: 9, limit: 4);
        var beyond = await grain.History(alice, before: null, after: 11, limit: 4);

        Assert.Equal([2L, 3L, 4L, 5L], first.Messages.Select(e => e.Seq));
        Assert.True(first.HasMore);
        Assert.Equal([6L, 7L, 8L, 9L], next.Messages.Select(e => e.Seq));
        Assert.True(next.HasMore);
        Assert.Equal([10L, 11L], last.Messages.Select(e => e.Seq));
        Assert.False(last.HasMore);
        Assert.Equal([], beyond.Messages.Select(e => e.Seq));
        Assert.False(beyond.HasMore);
    }

    [Fact]
    public async Task A_page_exactly_as_long_as_what_is_left_has_no_more()
    {
        var (grain, alice) = await RoomWithTenMessagesAsync();

        var all = await grain.History(alice, before: null, after: null, limit: 10);

        Assert.Equal((10, false), (all.Messages.Count, all.HasMore));
    }

    [Fact]
    public async Task EventsAfter_returns_the_log_in_order()
    {
        var (grain, alice) = await RoomWithTenMessagesAsync();
        var room = grain.GetPrimaryKeyString();
        await grain.Edit(alice, 2, "m2 edited");
        await grain.Delete(alice, 3);

        var all = await grain.EventsAfter(alice, 0, 100);
        var middle = await grain.EventsAfter(alice, 5, 3);

        Assert.False(all.HasMore);
        Assert.Equal(Enumerable.Range(1, 13).Select(s => (long)s), all.Events.Select(e => e.Seq));
        Assert.Equal(
            (await cluster.Tables.EventsAsync(room)).Select(e => (e.Seq, e.Kind, e.Sender, e.Ts, e.Text, e.ClientMsgId, e.Target, e.User)),
            all.Events.Select(e => (e.Seq, e.Kind, e.Sender, e.Ts, e.Text, e.ClientMsgId, e.Target, e.User)));
        Assert.Equal((RoomEventKind.Edit, 2L, "m2 edited"), (all.Events[11].Kind, all.Events[11].Target, all.Events[11].Text));
        Assert.Equal([6L, 7L, 8L], middle.Events.Select(e => e.Seq));
        Assert.True(middle.HasMore);
    }

    [Fact]
    public async Task A_non_member_cannot_read_a_public_rooms_history_or_log()
    {
        var (grain, _) = await RoomWithTenMessagesAsync();
        var stranger = Fresh.User("stranger");

        Assert.Equal(ErrorCodes.Forbidden,
            (await Assert.ThrowsAsync<ChatException>(() => grain.History(stranger, before: null, after: null, limit: 10))).Code);
        Assert.Equal(ErrorCodes.Forbidden,
            (await Assert.ThrowsAsync<ChatException>(() => grain.EventsAfter(stranger, 0, 10))).Code);
    }

    /// <summary>
    /// A message compared by value: a record compares its list of reactions by reference, so the
    /// reactions are compared as text beside the rest.
    /// </summary>
    // Lists compare by reference in a record, so reactions and attachments are compared as text.
    private static (ChatMessage Message, string Reactions, string Attachments) AsStored(ChatMessage m) =>
        (m with { Reactions = null, Attachments = null },
         string.Join(";", (m.Reactions ?? []).Select(r => $"{r.Emoji}:{string.Join(",", r.Users)}")),
         string.Join(";", m.Attachments ?? []));
}
