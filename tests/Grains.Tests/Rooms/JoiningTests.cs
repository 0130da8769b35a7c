using ChatApp.Errors;
using ChatApp.Rooms;
using ChatApp.Tests.Grains.Support;
using ChatApp.Tests.Support;
using ChatApp.Users;
using Xunit;

namespace ChatApp.Tests.Grains.Rooms;

public sealed class JoiningTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Joining_an_unknown_room_creates_it_public_with_the_joiner_as_owner()
    {
        var (room, alice) = (Fresh.Room(), Fresh.User("alice"));

        var joined = await cluster.Room(room).Join(alice);

        Assert.Equal(alice, joined.Room.Owner);
        Assert.Equal(RoomVisibility.Public, joined.Room.Summary.Visibility);
        Assert.Equal([new RoomMember(alice, RoomRoles.Owner, Online: false)], joined.Room.Members);
        Assert.Equal(1, joined.LastSeq);
        Assert.Empty(joined.Messages);
        var logged = Assert.Single(await cluster.Tables.EventsAsync(room));
        Assert.Equal((1L, RoomEventKind.Join, alice, alice), (logged.Seq, logged.Kind, logged.Sender, logged.User));
        Assert.Contains(room, await cluster.Client.GetGrain<IRoomDirectoryGrain>(0).ListPublic(1000));
    }

    [Fact]
    public async Task A_second_joiner_becomes_a_member_with_the_next_join_event()
    {
        var (room, alice, bob) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("bob"));
        await cluster.Room(room).Join(alice);

        var joined = await cluster.Room(room).Join(bob);

        Assert.Equal(alice, joined.Room.Owner);
        Assert.Contains(new RoomMember(bob, RoomRoles.Member, Online: false), joined.Room.Members);
        Assert.Equal(2, joined.Room.Summary.MemberCount);
        Assert.Equal(2, joined.LastSeq);
        Assert.Equal(
            [(1L, RoomEventKind.Join, alice), (2L, RoomEventKind.Join, bob)],
            (await cluster.Tables.EventsAsync(room)).Select(e => (e.Seq, e.Kind, e.User)));
    }

    [Fact]
    public async Task A_join_returns_once_the_joiners_session_lists_the_room_read_up_to_the_join()
    {
        var (room, alice, bob) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("bob"));
        await cluster.Room(room).Join(alice);

        var joined = await cluster.Room(room).Join(bob);

        Assert.Equal([alice.Value, bob.Value], joined.Room.Members.Select(m => m.User));
        var session = await cluster.Session(bob).GetState();
        Assert.Contains(room, session.Rooms);
        Assert.Equal(joined.LastSeq, session.ReadMarkers[room]);
    }

    [Fact]
    public async Task Joining_twice_adds_no_second_join_event()
    {
        var (room, alice, bob) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("bob"));
        await cluster.Room(room).Join(alice);
        await cluster.Room(room).Join(bob);

        var again = await cluster.Room(room).Join(bob);
        await cluster.Room(room).Join(alice);

        Assert.Equal(2, again.LastSeq);
        Assert.Equal(2, again.Room.Members.Count);
        Assert.Equal([1L, 2L], (await cluster.Tables.EventsAsync(room)).Select(e => e.Seq));
    }

    [Fact]
    public async Task Joining_returns_the_latest_messages_and_the_last_seq()
    {
        var (room, alice, bob) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("bob"));
        await cluster.Room(room).Join(alice);
        await cluster.Room(room).Send(alice, Fresh.MsgId(), "first");
        await cluster.Room(room).Send(alice, Fresh.MsgId(), "second");

        var joined = await cluster.Room(room).Join(bob);

        Assert.Equal(["first", "second"], joined.Messages.Select(m => m.Text));
        Assert.Equal(4, joined.LastSeq);
    }

    [Fact]
    public async Task Leaving_removes_the_member_with_a_leave_event()
    {
        var (room, alice, bob) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("bob"));
        await cluster.Room(room).Join(alice);
        await cluster.Room(room).Join(bob);

        await cluster.Room(room).Leave(bob);

        var state = await cluster.Room(room).GetState();
        Assert.Equal([alice], state.Members.Keys.ToList());
        Assert.Equal(3, state.LastSeq);
        var left = (await cluster.Tables.EventsAsync(room))[^1];
        Assert.Equal((3L, RoomEventKind.Leave, bob), (left.Seq, left.Kind, left.User));
        var refused = await Assert.ThrowsAsync<ChatException>(() => cluster.Room(room).Send(bob, Fresh.MsgId(), "still here?"));
        Assert.Equal(ErrorCodes.Forbidden, refused.Code);
    }

    [Fact]
    public async Task GetState_shows_the_owner_the_members_and_the_last_seq()
    {
        var (room, alice, bob) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("bob"));
        await cluster.Room(room).Join(alice);
        await cluster.Room(room).Join(bob);
        await cluster.Room(room).Send(bob, Fresh.MsgId(), "hi");

        var state = await cluster.Room(room).GetState();

        Assert.True(state.Exists);
        Assert.Equal(alice, state.Owner);
        Assert.Equal(RoomVisibility.Public, state.Visibility);
        Assert.Equal(
            new Dictionary<string, string> { [alice] = RoomRoles.Owner, [bob] = RoomRoles.Member },
            state.Members);
        Assert.Equal(2, state.MemberCount);
        Assert.Equal(0, state.BannedCount);
        Assert.Equal(3, state.LastSeq);
        Assert.NotEqual(default, state.CreatedAt);
    }

    [Fact]
    public async Task GetState_of_a_room_nobody_created_says_it_does_not_exist()
    {
        var state = await cluster.Room(Fresh.Room()).GetState();

        Assert.False(state.Exists);
        Assert.Empty(state.Members);
        Assert.Equal(0, state.LastSeq);
    }

    [Fact]
    public async Task A_join_made_through_a_gateway_is_told_to_the_users_other_gateways_and_not_to_that_one()
    {
        var (room, other, alice) = (Fresh.Room(), Fresh.Room(), Fresh.User("alice"));
        using var joining = cluster.NewGateway();
        using var phone = cluster.NewGateway();
        await cluster.Session(alice).Attach(joining.Reference, TimeSpan.FromMinutes(5));
        await cluster.Session(alice).Attach(phone.Reference, TimeSpan.FromMinutes(5));

        var joined = await cluster.Room(room).Join(alice, joining.Reference);
        // A join made on the phone's gateway: the joining gateway hears of that one, after the first.
        await cluster.Room(other).Join(alice, phone.Reference);

        Assert.Contains(new MembershipChange(alice, room, Joined: true, joined.LastSeq),
            await phone.ChangesWhenAsync(changes => changes.Any(c => c.Room == room)));
        Assert.Equal([other.Value], (await joining.ChangesWhenAsync(changes => changes.Count >= 1)).Select(c => c.Room));
        Assert.Equal(new[] { room.Value, other.Value }.Order(StringComparer.Ordinal), await cluster.Session(alice).GetRooms());
    }
}
