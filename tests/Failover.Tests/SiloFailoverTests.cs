using System.Diagnostics;
using ChatApp.Tests.Failover.Support;
using ChatApp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ChatApp.Tests.Failover;

/// <summary>
/// Three silo processes under a room busy with chatters: the silo holding the room dies (SIGKILL)
/// or is stopped (SIGTERM), a replacement joins, and nothing acknowledged is lost or doubled; and a
/// silo stopped while the database is down still ends, within its deadline.
/// </summary>
public sealed class SiloFailoverTests(ITestOutputHelper output)
{
    private const int ChatterCount = 4;
    private const int PerSecond = 15;
    private static readonly TimeSpan SendWithin = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Killing_the_silo_of_a_busy_room_loses_and_duplicates_nothing()
    {
        await using var cluster = await FailoverCluster.StartAsync(silos: 3);
        var room = Fresh.Room("busy");
        await using var conversation = Conversation.Start(room, await Chatters.JoinAsync(cluster, room, ChatterCount), PerSecond, SendWithin);
        var chatters = conversation.Chatters;
        await conversation.UntilEachAckedAsync(20, TimeSpan.FromSeconds(30));
        var victim = await cluster.SiloHostingRoomAsync(room);

        var killedAt = Stopwatch.GetTimestamp();
        victim.Kill();
        await Wait.UntilAsync(async () => await cluster.StatusAsync(victim) == FailoverCluster.Dead, TimeSpan.FromSeconds(30), "declared dead");
        var declaredDead = Stopwatch.GetElapsedTime(killedAt);
        await Wait.UntilAsync(() => chatters.All(c => c.Sends.Any(s => s.StartedAt > killedAt)), TimeSpan.FromSeconds(30), "sending again");
        var recovered = Chatters.RecoveredAfter(chatters, killedAt);

        // A replacement joins while the chatter goes on, and the room keeps working with it in the cluster.
        var replacement = await cluster.StartSiloAsync();
        var acked = chatters.Sum(c => c.Acked.Count);
        await Wait.UntilAsync(() => chatters.Sum(c => c.Acked.Count) >= acked + 40, TimeSpan.FromSeconds(30), "chatting with the replacement");
        output.WriteLine($"silo {victim.Port} killed: declared dead after {declaredDead.TotalSeconds:0.0} s, "
            + $"every chatter's sends acknowledged again after {recovered.TotalSeconds:0.0} s; replacement {replacement.Port} joined");

        var audit = await conversation.SettleAsync(cluster.ConnectionString, output.WriteLine);
        conversation.AssertClean(audit);
    }

    [Fact]
    public async Task A_silo_stopped_with_SIGTERM_hands_its_rooms_over_and_leaves_the_cluster_cleanly()
    {
        await using var cluster = await FailoverCluster.StartAsync(silos: 2);
        var room = Fresh.Room("moving");
        await using var conversation = Conversation.Start(room, await Chatters.JoinAsync(cluster, room, 2), PerSecond, SendWithin);
        var chatters = conversation.Chatters;
        await conversation.UntilEachAckedAsync(20, TimeSpan.FromSeconds(30));
        var victim = await cluster.SiloHostingRoomAsync(room);

        var stoppedAt = Stopwatch.GetTimestamp();
        victim.Terminate();
        Assert.True(await victim.WaitForExitAsync(TimeSpan.FromSeconds(30)), "the silo did not stop within 30 s of SIGTERM");
        var shutdown = Stopwatch.GetElapsedTime(stoppedAt);

        // It left by itself: its own last write to the table says Dead, with nobody voting.
        Assert.Equal(0, victim.ExitCode);
        Assert.Equal(FailoverCluster.Dead, await cluster.StatusAsync(victim));
        await Wait.UntilAsync(() => chatters.All(c => c.Sends.Any(s => s.StartedAt > stoppedAt)), TimeSpan.FromSeconds(30), "sending again");
        var recovered = Chatters.RecoveredAfter(chatters, stoppedAt);
        output.WriteLine($"silo {victim.Port} stopped by SIGTERM in {shutdown.TotalSeconds:0.0} s; "
            + $"every chatter's sends acknowledged again {recovered.TotalSeconds:0.0} s after the signal");

        var audit = await conversation.SettleAsync(cluster.ConnectionString, output.WriteLine);
        conversation.AssertClean(audit);
    }

    [Fact]
    public async Task A_silo_told_to_stop_while_PostgreSQL_is_down_ends_within_its_deadline()
    {
        await using var postgres = await ThrowawayPostgres.StartAsync();
        // 5 s for the graceful part, and BoundedStop's allowance for the rest: 10 s in all.
        await using var cluster = await FailoverCluster.StartAsync(silos: 1, postgres.ConnectionString,
            siloSettings: new Dictionary<string, string> { ["Orleans:ShutdownTimeout"] = "00:00:05" });
        var silo = cluster.Silos[0];
        await postgres.CrashAsync();

        var stoppedAt = Stopwatch.GetTimestamp();
        silo.Terminate();
        // Orleans alone retries its last two writes to the membership table for a minute each.
        Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(40)), "the silo did not stop within 40 s of SIGTERM");
        var stopped = Stopwatch.GetElapsedTime(stoppedAt);
        output.WriteLine($"silo {silo.Port} ended {stopped.TotalSeconds:0.0} s after SIGTERM, the database down");

        Assert.InRange(stopped, TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(20));
        // The stop that could not finish is said so, and not passed off as a clean one.
        Assert.Equal(1, silo.ExitCode);
        Assert.Contains("did not finish within 10 s", silo.ReadLog());
    }
}
