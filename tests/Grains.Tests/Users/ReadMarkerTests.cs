using ChatApp.Errors;
using ChatApp.Rooms;
using ChatApp.Tests.Grains.Support;
using ChatApp.Tests.Support;
using ChatApp.Users;
using Xunit;

namespace ChatApp.Tests.Grains.Users;

/// <summary>Read markers move forward only; unread counts leave out one's own and deleted messages.</summary>
public sealed class ReadMarkerTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan LongLease = TimeSpan.FromMinutes(5);

    private async Task<long> Unread(UserName user, RoomId room) =>
        (await cluster.Session(user).UnreadIn([room]))[room].Messages;

    [Fact]
    public async Task Others_messages_are_unread_until_read_and_ones_own_never_are()
    {
        var (room, alice, bob) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("bob"));
        await cluster.Room(room).Join(alice);
        await cluster.Room(room).Join(bob);
        await cluster.Room(room).Send(alice, Fresh.MsgId(), "one");
        var two = await cluster.Room(room).Send(alice, Fresh.MsgId(), "two");
        await cluster.Room(room).Send(bob, Fresh.MsgId(), "mine");

        Assert.Equal(2, await Unread(bob, room));
        Assert.Equal(1, await Unread(alice, room));

        await cluster.Session(bob).MarkRead(room, two.Seq);
        Assert.Equal(0, await Unread(bob, room));
    }

    [Fact]
    public async Task Unread_messages_that_mention_the_user_are_counted_as_they_stand_until_read()
    {
        var (room, alice, bob) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("bob"));
        await cluster.Room(room).Join(alice);
        await cluster.Room(room).Join(bob);
        await cluster.Room(room).Send(alice, Fresh.MsgId(), $"@{bob} look");
        var edited = await cluster.Room(room).Send(alice, Fresh.MsgId(), $"and @{bob} again");
        await cluster.Room(room).Send(alice, Fresh.MsgId(), "no one named");
        var last = await cluster.Room(room).Send(bob, Fresh.MsgId(), $"@{bob} talking to myself, @{alice}");
        using var phone = cluster.NewGateway();
        await cluster.Session(bob).Attach(phone.Reference, LongLease);

        var before = (await cluster.Session(bob).UnreadIn([room]))[room];
        await cluster.Room(room).Edit(alice, edited.Seq, "and nobody again");
        var afterEdit = (await cluster.Session(bob).UnreadIn([room]))[room];
        await cluster.Session(bob).MarkRead(room, last.Seq);

        Assert.Equal(new UnreadCount(3, 2), before);
        Assert.Equal(new UnreadCount(3, 1), afterEdit);
        Assert.Equal(1, (await cluster.Session(alice).UnreadIn([room]))[room].Mentions);
        Assert.Equal(new UnreadChange(bob, room, 0, last.Seq, 0), (await phone.NoticesWhenAsync<UnreadChange>(u => u.Count >= 1)).Single());
        Assert.Equal(0, (await cluster.Session(bob).UnreadIn([room]))[room].Mentions);
    }

    [Fact]
    public async Task A_marker_never_moves_back_and_every_device_hears_the_new_count()
    {
        var (room, alice, bob) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("bob"));
        await cluster.Room(room).Join(alice);
        await cluster.Room(room).Join(bob);
        var first = await cluster.Room(room).Send(alice, Fresh.MsgId(), "one");
        var second = await cluster.Room(room).Send(alice, Fresh.MsgId(), "two");
        using var phone = cluster.NewGateway();
        await cluster.Session(bob).Attach(phone.Reference, LongLease);

        await cluster.Session(bob).MarkRead(room, second.Seq);
        await cluster.Session(bob).MarkRead(room, first.Seq);

        var changes = await phone.NoticesWhenAsync<UnreadChange>(u => u.Count >= 1);
        Assert.Equal(new UnreadChange(bob, room, 0, second.Seq), changes.Single());
        Assert.Equal(second.Seq, (await cluster.Session(bob).GetState()).ReadMarkers[room]);
    }

    [Fact]
    public async Task Deleted_messages_do_not_count_and_markers_survive_a_restart()
    {
        var (room, alice, bob) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("bob"));
        await cluster.Room(room).Join(alice);
        await cluster.Room(room).Join(bob);
        var gone = await cluster.Room(room).Send(alice, Fresh.MsgId(), "oops");
        var kept = await cluster.Room(room).Send(alice, Fresh.MsgId(), "kept");
        await cluster.Room(room).Delete(alice, gone.Seq);
        await cluster.Room(room).Send(alice, Fresh.MsgId(), "later");
        await cluster.Session(bob).MarkRead(room, kept.Seq);

        await cluster.RestartClusterAsync();

        Assert.Equal(1, await Unread(bob, room));
    }

    [Fact]
    public async Task Reading_a_room_one_does_not_belong_to_is_not_found()
    {
        var (room, alice, stranger) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("stranger"));
        await cluster.Room(room).Join(alice);

        var refused = await Assert.ThrowsAsync<ChatException>(() => cluster.Session(stranger).MarkRead(room, 1));
        Assert.Equal(ErrorCodes.NotFound, refused.Code);
    }

    [Fact]
    public async Task A_marker_stops_at_the_last_event_and_unread_counts_leave_out_rooms_not_joined()
    {
        var (room, elsewhere, alice, bob) = (Fresh.Room(), Fresh.Room(), Fresh.User("alice"), Fresh.User("bob"));
        await cluster.Room(room).Join(alice);
        await cluster.Room(room).Join(bob);
        await cluster.Room(elsewhere).Join(alice);
        var last = await cluster.Room(room).Send(alice, Fresh.MsgId(), "the newest");

        await cluster.Session(bob).MarkRead(room, last.Seq + 1_000);
        var later = await cluster.Room(room).Send(alice, Fresh.MsgId(), "after the marker");

        Assert.Equal(last.Seq, (await cluster.Session(bob).GetState()).ReadMarkers[room]);
        var counts = await cluster.Session(bob).UnreadIn([room, elsewhere]);
        Assert.Equal([room], counts.Keys);
        Assert.Equal(new UnreadCount(1, 0), counts[room]);
        Assert.Equal(last.Seq + 1, later.Seq);
    }

    [Fact]
    public async Task A_room_list_shows_each_room_with_the_users_unread_counts_and_leaves_out_a_room_that_refuses()
    {
        var (room, hidden, alice, bob) = (Fresh.Room(), Fresh.Room("hidden"), Fresh.User("alice"), Fresh.User("bob"));
        await cluster.Room(room).Join(alice);
        await cluster.Room(room).Join(bob);
        await cluster.Room(hidden).Create(alice, RoomVisibility.Private, "");
        await cluster.Room(room).Send(alice, Fresh.MsgId(), $"hi @{bob}");
        await cluster.Room(room).Send(alice, Fresh.MsgId(), "and more");

        var list = await cluster.Client.RoomList().Summaries(bob, [room, hidden, room]);

        var only = Assert.Single(list);
        Assert.Equal((room.Value, 2L, 1L, 2), (only.Id, only.Unread, only.Mentions, only.MemberCount));
    }
}
