using System.Collections.Concurrent;
using System.Diagnostics;
using ChatApp.Gateways;
using ChatApp.Tests.Grains.Support;
using ChatApp.Tests.Support;
using ChatApp.Users;
using Xunit;

namespace ChatApp.Tests.Grains.Gateways;

/// <summary>
/// A silo's sessions tell a gateway's lease grain which of them it holds in batches: a storm of
/// hellos through one gateway is a few calls to its lease, not one per hello, and a lease that
/// lapses still detaches every session held in them.
/// </summary>
public sealed class LeaseHoldsTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task News_within_the_interval_waits_for_it_and_goes_in_one_call_in_order()
    {
        var sent = new ConcurrentQueue<(IChatObserver Gateway, IReadOnlyList<LeaseChange> Changes, TimeSpan Lease)>();
        var holds = new LeaseHolds((g, c, l) => sent.Enqueue((g, c, l)), Interval, TimeProvider.System);
        using var gateway = cluster.NewGateway();
        var (a, b, c) = (Session("a"), Session("b"), Session("c"));

        holds.Hold(gateway.Reference, a, Lease);
        Assert.Single(sent); // the first news for a gateway goes at once
        holds.Hold(gateway.Reference, b, Lease);
        holds.Release(gateway.Reference, a);
        holds.Hold(gateway.Reference, c, Lease);
        Assert.Single(sent);

        await Eventually.Until(() => sent.Count == 2, "the second call");
        var batch = sent.Last();
        Assert.Equal(gateway.Reference, batch.Gateway);
        Assert.Equal([new LeaseChange(b, Held: true), new LeaseChange(a, Held: false), new LeaseChange(c, Held: true)], batch.Changes);
        Assert.Equal(Lease, batch.Lease);
        Assert.Equal(2, holds.Calls);
    }

    [Fact]
    public void A_gateway_does_not_wait_for_another_and_news_after_a_quiet_spell_goes_at_once()
    {
        var sent = new ConcurrentQueue<(IChatObserver Gateway, IReadOnlyList<LeaseChange> Changes, TimeSpan Lease)>();
        var clock = new SteppedClock();
        var holds = new LeaseHolds((g, c, l) => sent.Enqueue((g, c, l)), Interval, clock);
        using var first = cluster.NewGateway();
        using var second = cluster.NewGateway();

        holds.Hold(first.Reference, Session("a"), Lease);
        holds.Hold(second.Reference, Session("b"), Lease);
        Assert.Equal(2, sent.Count);

        clock.Step(Interval);
        holds.Release(first.Reference, Session("a"));
        Assert.Equal(3, sent.Count);
        Assert.Equal(TimeSpan.Zero, sent.Last().Lease); // a release alone extends no lease
    }

    [Fact]
    public async Task A_storm_of_sessions_through_one_gateway_takes_few_calls_and_all_go_offline_when_its_lease_lapses()
    {
        using var doomed = cluster.NewGateway();
        var users = Enumerable.Range(0, 30).Select(_ => Fresh.User("storm")).ToArray();
        var callsBefore = cluster.LeaseHoldCalls();

        await Task.WhenAll(users.Select(user => cluster.Session(user).Attach(doomed.Reference, TimeSpan.FromSeconds(1))));
        Assert.All(await Task.WhenAll(users.Select(user => cluster.Session(user).IsOnline())), Assert.True);
        // The gateway is killed: it never renews and never detaches.

        await Eventually.Until(async () => !(await Task.WhenAll(users.Select(user => cluster.Session(user).IsOnline()))).Any(online => online),
            "every user of the dead gateway offline");
        Assert.InRange(cluster.LeaseHoldCalls() - callsBefore, 1, users.Length - 1);
    }

    private IUserSessionGrain Session(string name) => cluster.Session(Fresh.User(name));

    /// <summary>A clock that moves only when the test steps it: a quiet spell without waiting one out.</summary>
    private sealed class SteppedClock : TimeProvider
    {
        private long _now = Stopwatch.GetTimestamp();

        public override long GetTimestamp() => _now;

        public void Step(TimeSpan by) => _now += (long)(by.TotalSeconds * TimestampFrequency);
    }
}
