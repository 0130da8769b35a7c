using ChatApp.Errors;
using ChatApp.Rooms;
using ChatApp.Tests.Grains.Support;
using ChatApp.Tests.Support;
using ChatApp.Users;
using Xunit;

namespace ChatApp.Tests.Grains.Rooms;

/// <summary>Reactions: numbered room events, one row per (message, emoji, user), back with history and on resume.</summary>
public sealed class ReactionsTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    /// <summary>A room of alice (owner) and bob with one message of alice's at seq 3.</summary>
    private async Task<(IRoomGrain Grain, RoomId Room, UserName Alice, UserName Bob)> RoomWithAMessageAsync()
    {
        var (room, alice, bob) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("bob"));
        var grain = cluster.Room(room);
        await grain.Join(alice);
        await grain.Join(bob);
        Assert.Equal(3, (await grain.Send(alice, Fresh.MsgId(), "pizza tonight")).Seq);
        return (grain, room, alice, bob);
    }

    [Fact]
    public async Task Reactions_are_numbered_events_and_come_back_with_history_the_join_page_and_resume()
    {
        var (grain, room, alice, bob) = await RoomWithAMessageAsync();

        Assert.Equal(4, await grain.React(bob, 3, "👍"));
        Assert.Equal(5, await grain.React(bob, 3, "❤️"));
        Assert.Equal(6, await grain.React(alice, 3, "👍"));

        var logged = (await cluster.Tables.EventsAsync(room)).Skip(3).ToList();
        Assert.Equal([(RoomEventKind.Reaction, bob.Value, 3L, "👍"), (RoomEventKind.Reaction, bob.Value, 3L, "❤️"), (RoomEventKind.Reaction, alice.Value, 3L, "👍")],
            logged.Select(e => (e.Kind, e.Sender, e.Target!.Value, e.Emoji!)));
        Assert.Equal(3, (await cluster.Tables.ReactionsAsync(room)).Count);
        var replayed = (await grain.EventsAfter(alice, 3, 10)).Events;
        Assert.Equal([4L, 5L, 6L], replayed.Select(e => e.Seq));
        Assert.All(replayed, e => Assert.Equal((RoomEventKind.Reaction, 3L), (e.Kind, e.Target!.Value)));
        AssertReactions([("👍", [bob, alice]), ("❤️", [bob])], (await grain.History(alice, null, null, 10)).Messages.Single());
        AssertReactions([("👍", [bob, alice]), ("❤️", [bob])], (await grain.Join(Fresh.User("carol"))).Messages.Single());
    }

    [Fact]
    public async Task Reacting_again_with_the_same_emoji_changes_nothing_and_answers_the_first_events_seq()
    {
        var (grain, room, _, bob) = await RoomWithAMessageAsync();
        var first = await grain.React(bob, 3, "🎉");
        var before = await cluster.Tables.EventsAsync(room);

        Assert.Equal(first, await grain.React(bob, 3, "🎉"));

        Assert.Equal(before.Count, (await cluster.Tables.EventsAsync(room)).Count);
        Assert.Single(await cluster.Tables.ReactionsAsync(room));
    }

    [Fact]
    public async Task Unreacting_takes_the_reaction_off_with_an_event_and_unreacting_again_is_not_found()
    {
        var (grain, room, alice, bob) = await RoomWithAMessageAsync();
        await grain.React(bob, 3, "👍");
        await grain.React(alice, 3, "👍");
        await grain.Join(Fresh.User("carol")); // fills the room's page of newest messages before the change

        var unreaction = await grain.Unreact(bob, 3, "👍");

        var logged = (await cluster.Tables.EventsAsync(room))[^1];
        Assert.Equal((unreaction, RoomEventKind.Unreaction, bob.Value, 3L, "👍"), (logged.Seq, logged.Kind, logged.Sender, logged.Target!.Value, logged.Emoji!));
        AssertReactions([("👍", [alice])], (await grain.History(alice, null, null, 10)).Messages.Single());
        AssertReactions([("👍", [alice])], (await grain.Join(Fresh.User("dave"))).Messages.Single());
        var events = (await cluster.Tables.EventsAsync(room)).Count;
        var refused = await Assert.ThrowsAsync<ChatException>(() => grain.Unreact(bob, 3, "👍"));
        Assert.Equal(ErrorCodes.NotFound, refused.Code);
        Assert.Equal(ErrorCodes.NotFound, (await Assert.ThrowsAsync<ChatException>(() => grain.Unreact(bob, 3, "🎉"))).Code);
        Assert.Equal(events, (await cluster.Tables.EventsAsync(room)).Count);
    }

    [Fact]
    public async Task A_reaction_to_a_deleted_message_or_to_no_message_is_not_found_and_stores_nothing()
    {
        var (grain, room, alice, bob) = await RoomWithAMessageAsync();
        await grain.React(bob, 3, "👍");
        await grain.Delete(alice, 3);
        var before = await cluster.Tables.CountAsync(room);

        foreach (var seq in new long[] { 3, 1, 99 }) // deleted, a join, nothing
        {
            Assert.Equal(ErrorCodes.NotFound, (await Assert.ThrowsAsync<ChatException>(() => grain.React(bob, seq, "😮"))).Code);
        }
        Assert.Equal(ErrorCodes.NotFound, (await Assert.ThrowsAsync<ChatException>(() => grain.Unreact(bob, 3, "👍"))).Code);

        Assert.Equal(before, await cluster.Tables.CountAsync(room));
        Assert.Single(await cluster.Tables.ReactionsAsync(room));
    }

    [Fact]
    public async Task A_deleted_message_shows_no_reactions_in_history_or_the_join_page()
    {
        var (grain, _, alice, bob) = await RoomWithAMessageAsync();
        await grain.React(bob, 3, "👍");
        await grain.Join(Fresh.User("carol")); // fills the room's page of newest messages before the delete

        await grain.Delete(alice, 3);

        Assert.Empty((await grain.History(alice, null, null, 10)).Messages.Single().Reactions!);
        Assert.Empty((await grain.Join(Fresh.User("dave"))).Messages.Single().Reactions!);
    }

    [Theory]
    [InlineData("ok")]
    [InlineData("👍👍")]
    [InlineData("")]
    public async Task A_reaction_that_is_not_one_emoji_is_refused_by_the_room_itself(string emoji)
    {
        var (grain, room, _, bob) = await RoomWithAMessageAsync();
        var before = await cluster.Tables.CountAsync(room);

        Assert.Equal(ErrorCodes.Validation, (await Assert.ThrowsAsync<ChatException>(() => grain.React(bob, 3, emoji))).Code);

        Assert.Equal(before, await cluster.Tables.CountAsync(room));
        Assert.Empty(await cluster.Tables.ReactionsAsync(room));
    }

    [Fact]
    public async Task Only_members_may_react()
    {
        var (grain, room, _, _) = await RoomWithAMessageAsync();

        var refused = await Assert.ThrowsAsync<ChatException>(() => grain.React(Fresh.User("outsider"), 3, "👍"));

        Assert.Equal(ErrorCodes.Forbidden, refused.Code);
        Assert.Empty(await cluster.Tables.ReactionsAsync(room));
    }

    private static void AssertReactions((string Emoji, UserName[] Users)[] expected, ChatMessage message) =>
        Assert.Equal(
            expected.Select(r => (r.Emoji, string.Join(",", r.Users.Select(u => u.Value)))),
            message.Reactions!.Select(r => (r.Emoji, string.Join(",", r.Users))));
}
