using ChatApp.Rooms;
using ChatApp.Tests.Grains.Support;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Grains.Durability;

/// <summary>
/// Nothing a client was told is kept only in silo memory: a whole new cluster on the same
/// database carries on where the old one stopped.
/// </summary>
public sealed class ClusterRestartTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Rooms_and_sessions_survive_a_full_cluster_restart_and_seqs_continue_without_a_gap()
    {
        var (room, alice, bob) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("bob"));
        await cluster.Room(room).Join(alice);
        await cluster.Room(room).Join(bob);
        var first = await cluster.Room(room).Send(alice, "before-restart", "before the restart");
        await cluster.Room(room).Send(bob, Fresh.MsgId(), "me too");

        await cluster.RestartClusterAsync();

        var state = await cluster.Room(room).GetState();
        Assert.True(state.Exists);
        Assert.Equal(alice, state.Owner);
        Assert.Equal(new Dictionary<string, string> { [alice] = RoomRoles.Owner, [bob] = RoomRoles.Member }, state.Members);
        Assert.Equal(4, state.LastSeq);
        Assert.Equal([room], await cluster.Session(alice).GetRooms());
        Assert.Equal([room], await cluster.Session(bob).GetRooms());

        var next = await cluster.Room(room).Send(bob, Fresh.MsgId(), "after the restart");
        var retried = await cluster.Room(room).Send(alice, "before-restart", "before the restart");

        Assert.Equal(5, next.Seq);
        Assert.Equal((first.Seq, first.Ts, true), (retried.Seq, retried.Ts, retried.Repeated));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], (await cluster.Tables.EventsAsync(room)).Select(e => e.Seq));
        Assert.Equal(5, (await cluster.Room(room).GetState()).LastSeq);
    }

    [Fact]
    public async Task The_relay_delivers_again_after_a_restart_once_the_gateway_watches_anew()
    {
        var (room, alice) = (Fresh.Room(), Fresh.User("alice"));
        await cluster.Room(room).Join(alice);

        await cluster.RestartClusterAsync();
        using var gateway = cluster.NewGateway();
        // A relay that was lost with its silo does not know the gateway: Watch says so.
        Assert.True((await cluster.Relay(room).Watch(gateway.Reference, TimeSpan.FromMinutes(5))).IsNew);
        var sent = await cluster.Room(room).Send(alice, Fresh.MsgId(), "after the restart");

        Assert.Equal([2L], (await gateway.EventsWithAsync(room, sent.Seq)).Select(e => e.Seq));
    }
}
