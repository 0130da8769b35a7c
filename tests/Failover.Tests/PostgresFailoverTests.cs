using System.Diagnostics;
using ChatApp.Tests.Failover.Support;
using ChatApp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ChatApp.Tests.Failover;

/// <summary>
/// PostgreSQL fails over: the primary is killed under traffic and its synchronous standby promoted.
/// Silos and gateways are given both servers in one connection string and follow on their own;
/// nothing acknowledged is lost, because every acknowledgement waited for the standby's copy.
/// The servers are made by scripts/pg-replica.sh (docs/deploy.md, "PostgreSQL failover").
/// </summary>
public sealed class PostgresFailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task When_the_primary_dies_sends_fail_with_unavailable_and_after_the_standby_is_promoted_they_succeed_with_nothing_acknowledged_lost()
    {
        await using var postgres = await ReplicatedPostgres.StartAsync();
        await using var cluster = await FailoverCluster.StartAsync(silos: 2, postgres.ConnectionString);
        var room = Fresh.Room("pgfailover");
        await using var conversation = Conversation.Start(room, await Chatters.JoinAsync(cluster, room, 3), 10, TimeSpan.FromSeconds(90));
        var chatters = conversation.Chatters;
        await conversation.UntilEachAckedAsync(10, TimeSpan.FromSeconds(30));

        await postgres.KillPrimaryAsync();
        var killedAt = Stopwatch.GetTimestamp();
        var refusedBefore = chatters.Select(c => c.Unavailable).ToArray();
        // Without a primary every send is refused with unavailable, promptly: none waits forever.
        await Wait.UntilAsync(() => chatters.Select((c, i) => c.Unavailable >= refusedBefore[i] + 10).All(refused => refused),
            TimeSpan.FromSeconds(60), "refusing sends with unavailable");

        await postgres.PromoteAsync();
        var promotedAt = Stopwatch.GetTimestamp();
        // Nothing begun while there was no primary could have been acknowledged.
        Assert.DoesNotContain(chatters.SelectMany(c => c.Sends), s => s.StartedAt > killedAt && s.AckedAt < promotedAt);
        await Wait.UntilAsync(() => chatters.All(c => c.Sends.Any(s => s.AckedAt > promotedAt)), TimeSpan.FromSeconds(60), "sending again");
        Report(chatters, killedAt, promotedAt);
        var acked = chatters.Sum(c => c.Acked.Count);
        await Wait.UntilAsync(() => chatters.Sum(c => c.Acked.Count) >= acked + 30, TimeSpan.FromSeconds(30), "chatting after the promotion");

        // The promoted server alone is asked: what it holds is all that survived.
        var audit = await conversation.SettleAsync(postgres.StandbyConnectionString, output.WriteLine);
        conversation.AssertClean(audit);
        // The gateway stayed up: no client lost its socket.
        Assert.All(chatters, c => Assert.Equal(0, c.Reconnects));

        // The audit is not blind: one acknowledged message taken out of the log is found missing.
        var (user, id) = chatters.SelectMany(c => c.Acked.Keys.Select(k => (c.User, k))).First();
        var deleted = await Sql.QueryAsync(postgres.StandbyConnectionString,
            "DELETE FROM messages WHERE room = $1 AND sender = $2 AND client_msg_id = $3 RETURNING seq", room, user, id);
        Assert.Single(deleted);
        var tampered = await RoomAudit.CheckAsync(postgres.StandbyConnectionString, room, chatters);
        Assert.Equal(1, tampered.Lost);
    }

    /// <summary>
    /// Why the standby must be synchronous: with asynchronous replication the primary acknowledges
    /// what only it holds, and a standby that fell behind is promoted without it. The audit that
    /// passes above must fail here.
    /// </summary>
    [Fact]
    public async Task With_asynchronous_replication_a_promoted_standby_that_lagged_lacks_acknowledged_messages_and_the_audit_says_so()
    {
        await using var postgres = await ReplicatedPostgres.StartAsync(synchronous: false);
        await using var cluster = await FailoverCluster.StartAsync(silos: 1, postgres.ConnectionString);
        var room = Fresh.Room("pglag");
        var chatters = await Chatters.JoinAsync(cluster, room, 2);
        using (var stop = new CancellationTokenSource())
        {
            var chatting = chatters.Select(c => c.ChatAsync(perSecond: 20, TimeSpan.FromSeconds(60), stop.Token)).ToArray();
            await Wait.UntilAsync(() => chatters.All(c => c.Acked.Count >= 5), TimeSpan.FromSeconds(30), "chatting");
            await postgres.StopStandbyAsync();
            var acked = chatters.Sum(c => c.Acked.Count);
            await Wait.UntilAsync(() => chatters.Sum(c => c.Acked.Count) >= acked + 20, TimeSpan.FromSeconds(30), "chatting while the standby lags");
            await stop.CancelAsync();
            await Task.WhenAll(chatting);
        }

        await postgres.KillPrimaryAsync();
        await postgres.StartStandbyAsync();
        await postgres.PromoteAsync();

        var audit = await RoomAudit.CheckAsync(postgres.StandbyConnectionString, room, chatters);
        output.WriteLine(audit.ToString());
        Assert.False(audit.Clean);
        Assert.True(audit.Lost >= 20, audit.ToString());
        foreach (var chatter in chatters)
        {
            await chatter.DisposeAsync();
        }
    }

    /// <summary>
    /// The time to recover: from the first refused send after the kill to the first acknowledged
    /// send after the promotion, over all clients and for each.
    /// </summary>
    private void Report(IReadOnlyList<Chatter> chatters, long killedAt, long promotedAt)
    {
        static double Seconds(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalSeconds;
        var firstRefusal = chatters.SelectMany(c => c.Refusals).Where(t => t > killedAt).Min();
        var firstAck = chatters.SelectMany(c => c.Sends).Where(s => s.AckedAt > promotedAt).Min(s => s.AckedAt);
        output.WriteLine($"primary killed; first refusal after {Seconds(killedAt, firstRefusal):0.00} s; standby promoted "
            + $"{Seconds(killedAt, promotedAt):0.00} s after the kill; first acknowledgement {Seconds(promotedAt, firstAck):0.00} s after the promotion; "
            + $"recovery (first refusal -> first acknowledgement after promotion) {Seconds(firstRefusal, firstAck):0.00} s");
        foreach (var chatter in chatters)
        {
            var refused = chatter.Refusals.Where(t => t > killedAt).Min();
            var back = chatter.Sends.Where(s => s.AckedAt > promotedAt).Min(s => s.AckedAt);
            output.WriteLine($"  {chatter.User}: first refusal -> first acknowledgement after promotion {Seconds(refused, back):0.00} s "
                + $"({Seconds(promotedAt, back):0.00} s after the promotion)");
        }
    }
}
