using ChatApp.Errors;
using ChatApp.Rooms;
using ChatApp.Tests.Grains.Support;
using ChatApp.Tests.Support;
using ChatApp.Users;
using Xunit;

namespace ChatApp.Tests.Grains.Rooms;

/// <summary>
/// A gateway's batch of joins (<see cref="IRoomGrain.JoinMany"/>): each joiner is answered as a join
/// alone would be, the newcomers are logged with consecutive seqs, and all are shown the room as it
/// is after the batch.
/// </summary>
public sealed class JoiningManyTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Newcomers_get_consecutive_join_events_rows_and_sessions_and_each_is_shown_the_room_after_the_batch()
    {
        var (room, alice) = (Fresh.Room(), Fresh.User("alice"));
        await cluster.Room(room).Join(alice);
        var newcomers = Enumerable.Range(0, 5).Select(i => Fresh.User($"n{i}")).ToList();
        using var gateway = cluster.NewGateway();

        var outcomes = await cluster.Room(room).JoinMany(newcomers, gateway.Reference);

        Assert.All(outcomes, o => Assert.Null(o.Failure));
        Assert.All(outcomes, o => Assert.Equal(6, o.Result.LastSeq));
        Assert.All(outcomes, o => Assert.Equal(6, o.Result.Room.Summary.MemberCount));
        Assert.Equal(
            newcomers.Select((user, n) => (2L + n, RoomEventKind.Join, user.Value)),
            (await cluster.Tables.EventsAsync(room)).Skip(1).Select(e => (e.Seq, e.Kind, e.User!)));
        Assert.Equal(newcomers.Select((user, n) => (user.Value, RoomRoles.Member, 2L + n)),
            (await cluster.Tables.MembersAsync(room)).Where(m => m.User != alice).OrderBy(m => m.ReadSeq).Select(m => (m.User, m.Role, m.ReadSeq)));
        foreach (var (user, n) in newcomers.Select((user, n) => (user, n)))
        {
            var session = await cluster.Session(user).GetState();
            Assert.Equal(2L + n, session.ReadMarkers[room]);
        }
    }

    [Fact]
    public async Task The_online_newcomers_of_a_batch_are_announced_to_the_rooms_watchers_and_the_offline_one_is_not()
    {
        var (room, alice) = (Fresh.Room(), Fresh.User("alice"));
        var (first, offline, second) = (Fresh.User("on"), Fresh.User("off"), Fresh.User("on"));
        await cluster.Room(room).Join(alice);
        using var watcher = cluster.NewGateway();
        using var devices = cluster.NewGateway();
        await cluster.Relay(room).Watch(watcher.Reference, TimeSpan.FromMinutes(5));
        await cluster.Session(first).Attach(devices.Reference, TimeSpan.FromMinutes(5));
        await cluster.Session(second).Attach(devices.Reference, TimeSpan.FromMinutes(5));

        var outcomes = await cluster.Room(room).JoinMany([first, offline, second], devices.Reference);

        Assert.All(outcomes, o => Assert.Null(o.Failure));
        await watcher.PresenceWhenAsync(room, first, online: true);
        await watcher.PresenceWhenAsync(room, second, online: true);
        Assert.Equal(
            new[] { first.Value, second.Value }.Order(),
            (await cluster.Relay(room).OnlineMembers()).Order());
        Assert.DoesNotContain(watcher.Notices<PresenceChange>(), p => p.User == offline.Value);
    }

    [Fact]
    public async Task A_refused_joiner_is_answered_alone_and_the_others_get_in_with_no_gap_in_the_seqs()
    {
        var (room, owner, banned, member, capped, fine) =
            (Fresh.Room(), Fresh.User("owner"), Fresh.User("banned"), Fresh.User("member"), Fresh.User("capped"), Fresh.User("fine"));
        await cluster.Room(room).Join(owner);
        await cluster.Room(room).Join(member);
        await cluster.Room(room).Ban(owner, banned);
        foreach (var _ in Enumerable.Range(0, ClusterFixture.RoomsPerUser))
        {
            await cluster.Room(Fresh.Room()).Join(capped);
        }
        using var gateway = cluster.NewGateway();

        var outcomes = await cluster.Room(room).JoinMany([banned, member, capped, fine, fine], gateway.Reference);

        Assert.Equal(ErrorCodes.Forbidden, outcomes[0].Failure?.Code);
        Assert.Null(outcomes[1].Failure);
        Assert.Equal(ErrorCodes.RateLimited, outcomes[2].Failure?.Code);
        Assert.Null(outcomes[3].Failure);
        Assert.Equal(outcomes[3].Result.LastSeq, outcomes[4].Result.LastSeq);
        // owner 1, member 2, the ban 3, fine 4: the capped joiner took no seq.
        Assert.Equal([1L, 2L, 3L, 4L], (await cluster.Tables.EventsAsync(room)).Select(e => e.Seq));
        Assert.Equal((4L, (string?)fine.Value), (await cluster.Tables.EventsAsync(room)).Select(e => (e.Seq, e.User)).Last());
        Assert.Equal(4, outcomes[1].Result.LastSeq);
        Assert.Equal(3, outcomes[1].Result.Room.Summary.MemberCount);
    }

    [Fact]
    public async Task The_first_of_a_batch_into_an_unknown_room_makes_it_and_the_rest_join_it()
    {
        var room = Fresh.Room();
        var users = Enumerable.Range(0, 3).Select(i => Fresh.User($"u{i}")).ToList();
        using var gateway = cluster.NewGateway();

        var outcomes = await cluster.Room(room).JoinMany(users, gateway.Reference);

        Assert.All(outcomes, o => Assert.Equal(3, o.Result.LastSeq));
        Assert.Equal(users[0].Value, outcomes[0].Result.Room.Owner);
        Assert.Equal(
            [(users[0].Value, RoomRoles.Owner), (users[1].Value, RoomRoles.Member), (users[2].Value, RoomRoles.Member)],
            (await cluster.Tables.MembersAsync(room)).OrderBy(m => m.ReadSeq).Select(m => (m.User, m.Role)));
    }

    [Fact]
    public async Task A_batch_into_a_private_room_is_refused_as_if_the_room_did_not_exist()
    {
        var (room, owner, stranger) = (Fresh.Room(), Fresh.User("owner"), Fresh.User("stranger"));
        await cluster.Room(room).Create(owner, RoomVisibility.Private, "");
        using var gateway = cluster.NewGateway();

        var outcomes = await cluster.Room(room).JoinMany([stranger, owner], gateway.Reference);

        Assert.Equal(ErrorCodes.NotFound, outcomes[0].Failure?.Code);
        Assert.Equal(1, outcomes[1].Result.Room.Summary.MemberCount);
        Assert.Equal([1L], (await cluster.Tables.EventsAsync(room)).Select(e => e.Seq));
    }

    [Fact]
    public async Task When_making_the_room_fails_in_a_write_the_rest_of_the_batch_fails_with_it_and_a_retry_makes_the_room()
    {
        var (room, alice, bob) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("bob"));
        using var gateway = cluster.NewGateway();

        // Without the room directory, making the room fails in its first write.
        var outcomes = await cluster.WithoutTableAsync("rooms", () => cluster.Room(room).JoinMany([alice, bob], gateway.Reference));

        // Bob did not join a room that was never stored: his join failed with Alice's making of it.
        Assert.All(outcomes, o => Assert.Equal(ErrorCodes.Unavailable, o.Failure?.Code));
        Assert.Empty(await cluster.Tables.EventsAsync(room));
        var retried = await cluster.Room(room).JoinMany([alice, bob], gateway.Reference);
        Assert.Equal(alice.Value, retried[0].Result.Room.Owner);
        Assert.Equal(2, retried[1].Result.LastSeq);
    }
}
