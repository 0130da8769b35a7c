using ChatApp.Rooms;
using ChatApp.Tests.Grains.Support;
using ChatApp.Tests.Support;
using ChatApp.Users;
using Xunit;

namespace ChatApp.Tests.Grains.Rooms;

/// <summary>
/// The room's fan-out: events committed by the room grain travel its Orleans stream to the relay,
/// which hands each to the gateways that hold a lease on the room.
/// </summary>
/// <remarks>
/// The relay takes events from the stream in seq order and calls the gateways in that order, but
/// the calls are one-way Orleans messages, and Orleans keeps no order between messages: a burst
/// read from one connection is dispatched through the thread pool's LIFO local queue and often
/// arrives reversed. So what a gateway is promised, and what these tests hold the relay to, is
/// every event exactly once; putting them in seq order is the gateway's job (its per-room cursor
/// drops what it has and fills gaps from the log).
/// </remarks>
public sealed class RoomRelayTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan LongLease = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task A_watching_gateway_receives_every_event_exactly_once_as_committed()
    {
        var (room, alice, bob) = (Fresh.Room(), Fresh.User("alice"), Fresh.User("bob"));
        using var gateway = cluster.NewGateway();
        await cluster.Relay(room).Watch(gateway.Reference, LongLease);
        var grain = cluster.Room(room);

        await grain.Join(alice);
        await grain.Join(bob);
        for (var i = 0; i < 10; i++)
        {
            await grain.Send(i % 2 == 0 ? alice : bob, Fresh.MsgId(), $"one at a time {i}");
        }
        // A burst: the room numbers them one by one, the stream carries them in that order.
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => grain.Send(alice, Fresh.MsgId(), $"all at once {i}")));
        await grain.Edit(alice, 3, "edited");
        var last = await grain.Delete(bob, 4);

        var received = await gateway.AllEventsAsync(room, last);
        Assert.Equal(last, received.Count);
        // What arrived is what was committed, field for field.
        Assert.Equal((await grain.EventsAfter(alice, 0, 100)).Events, received.OrderBy(e => e.Seq));
    }

    [Fact]
    public async Task A_rooms_events_reach_its_relay_with_no_stream_subscription_state_read_or_written()
    {
        var (room, alice) = (Fresh.Room(), Fresh.User("alice"));
        using var gateway = cluster.NewGateway();
        await cluster.Relay(room).Watch(gateway.Reference, LongLease);

        await cluster.Room(room).Join(alice);
        var said = (await cluster.Room(room).Send(alice, Fresh.MsgId(), "carried")).Seq;
        await gateway.AllEventsAsync(room, said);

        // The relay is subscribed by its class's attribute; Orleans' default pub-sub would also have
        // kept a grain and a row for this stream, written when the pulling agent took the stream up.
        Assert.Equal(0L, await Sql.ScalarAsync<long>(cluster.Database.ConnectionString,
            "SELECT count(*) FROM orleansstorage WHERE graintypestring = 'PubSubRendezvousGrain'"));
    }

    [Fact]
    public async Task A_watch_is_told_how_far_the_relay_had_got_and_every_later_event_follows()
    {
        var (room, alice) = (Fresh.Room(), Fresh.User("alice"));
        using var early = cluster.NewGateway();
        using var late = cluster.NewGateway();
        var grain = cluster.Room(room);
        Assert.Equal(0, (await cluster.Relay(room).Watch(early.Reference, LongLease)).LastRelayed);
        await grain.Join(alice);
        var said = (await grain.Send(alice, Fresh.MsgId(), "before the late watch")).Seq;
        await early.AllEventsAsync(room, said);

        var watch = await cluster.Relay(room).Watch(late.Reference, LongLease);
        var after = (await grain.Send(alice, Fresh.MsgId(), "after it")).Seq;

        Assert.Equal(said, watch.LastRelayed);
        Assert.Equal([after], (await late.EventsWithAsync(room, after)).Select(e => e.Seq));
    }

    [Fact]
    public async Task Watch_is_true_the_first_time_and_false_on_renewal()
    {
        var room = Fresh.Room();
        using var gateway = cluster.NewGateway();
        using var otherGateway = cluster.NewGateway();

        Assert.True((await cluster.Relay(room).Watch(gateway.Reference, LongLease)).IsNew);
        Assert.False((await cluster.Relay(room).Watch(gateway.Reference, LongLease)).IsNew);
        Assert.False((await cluster.Relay(room).Watch(gateway.Reference, LongLease)).IsNew);
        Assert.True((await cluster.Relay(room).Watch(otherGateway.Reference, LongLease)).IsNew);
    }

    [Fact]
    public async Task Each_of_several_gateways_receives_every_event()
    {
        var (room, alice) = (Fresh.Room(), Fresh.User("alice"));
        using var first = cluster.NewGateway();
        using var second = cluster.NewGateway();
        await cluster.Relay(room).Watch(first.Reference, LongLease);
        await cluster.Relay(room).Watch(second.Reference, LongLease);

        await cluster.Room(room).Join(alice);
        var sent = await cluster.Room(room).Send(alice, Fresh.MsgId(), "to both");

        Assert.Equal([1L, 2L], (await first.AllEventsAsync(room, sent.Seq)).Select(e => e.Seq).Order());
        Assert.Equal([1L, 2L], (await second.AllEventsAsync(room, sent.Seq)).Select(e => e.Seq).Order());
    }

    [Fact]
    public async Task An_unwatched_gateway_receives_nothing_more()
    {
        var (room, alice) = (Fresh.Room(), Fresh.User("alice"));
        using var leaving = cluster.NewGateway();
        using var staying = cluster.NewGateway();
        await cluster.Relay(room).Watch(leaving.Reference, LongLease);
        await cluster.Relay(room).Watch(staying.Reference, LongLease);
        await cluster.Room(room).Join(alice);
        await leaving.EventsWithAsync(room, 1);

        await cluster.Relay(room).Unwatch(leaving.Reference);
        await cluster.Room(room).Send(alice, Fresh.MsgId(), "after the unwatch");
        await cluster.Room(room).Send(alice, Fresh.MsgId(), "and another");
        await SettleAsync(room, staying, alice);

        Assert.Equal([1L], leaving.Events.Select(e => e.Seq));
    }

    [Fact]
    public async Task A_gateway_whose_lease_lapsed_stops_receiving()
    {
        var (room, alice) = (Fresh.Room(), Fresh.User("alice"));
        var shortLease = TimeSpan.FromSeconds(1);
        using var lapsing = cluster.NewGateway();
        using var renewed = cluster.NewGateway();
        await cluster.Relay(room).Watch(renewed.Reference, LongLease);
        await cluster.Room(room).Join(alice);

        // While its short lease is renewed, the gateway receives what is sent.
        var delivered = await Eventually.Until(
            async () =>
            {
                await cluster.Relay(room).Watch(lapsing.Reference, shortLease);
                var seq = (await cluster.Room(room).Send(alice, Fresh.MsgId(), "while leased")).Seq;
                await SettleAsync(room, renewed, alice);
                return lapsing.Has(room, seq) ? seq : 0;
            },
            seq => seq > 0,
            "delivered under a renewed lease",
            RecordingGateway.Deadline);

        // Once it stops renewing, the lease runs out. The time must pass (a wait is the point here):
        // before it, a copy that reaches this gateway later than the control one looks missed.
        await Task.Delay(shortLease * 2);
        // Then keep sending until an event passes it by.
        var missed = await Eventually.Until(
            async () =>
            {
                var seq = (await cluster.Room(room).Send(alice, Fresh.MsgId(), "after the lease")).Seq;
                await SettleAsync(room, renewed, alice);
                return lapsing.Has(room, seq) ? 0 : seq;
            },
            seq => seq > 0,
            "passed by once the lease lapsed",
            RecordingGateway.Deadline);
        await cluster.Room(room).Send(alice, Fresh.MsgId(), "still nothing");
        await SettleAsync(room, renewed, alice);

        Assert.True(delivered < missed);
        Assert.DoesNotContain(lapsing.Events, e => e.Seq >= missed);
        // Watching again after the lapse counts as new: the gateway is told it may have missed events.
        Assert.True((await cluster.Relay(room).Watch(lapsing.Reference, shortLease)).IsNew);
    }

    /// <summary>
    /// Sends two more events and waits until <paramref name="control"/> has both: the relay passes
    /// events on in seq order, so any copy it handed another gateway before them has arrived by then.
    /// (Not every event so far: that wait would hang on any one event the live path lost, which a
    /// real gateway repairs from the log and this recording one does not.)
    /// </summary>
    private async Task SettleAsync(RoomId room, RecordingGateway control, UserName member)
    {
        var flush = await cluster.Room(room).Send(member, Fresh.MsgId(), "flush");
        var after = await cluster.Room(room).Send(member, Fresh.MsgId(), "flush again");
        await control.EventsWhenAsync(_ => control.Has(room, flush.Seq) && control.Has(room, after.Seq));
    }
}
