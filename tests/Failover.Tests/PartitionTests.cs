using System.Diagnostics;
using ChatApp.Tests.Failover.Support;
using ChatApp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ChatApp.Tests.Failover;

/// <summary>
/// Every silo and gateway on a host of its own (a network namespace, scripts/netns-cluster.sh), and
/// the network between them failing while chatters send: a silo cut off from the other silos, a
/// gateway cut off from every silo, slow and lossy links, a silo cut off from PostgreSQL. Each test audits the
/// room against PostgreSQL (nothing acknowledged lost, nothing doubled, every chatter shown exactly
/// the log) and reports what the fault cost (<see cref="FaultReport"/>).
/// </summary>
public sealed class PartitionTests(ITestOutputHelper output)
{
    private const int PerSecond = 10;
    private static readonly TimeSpan SendWithin = TimeSpan.FromSeconds(90);

    [NetworkFact]
    public async Task A_silo_cut_off_from_the_other_silos_is_declared_dead_stops_itself_and_its_room_lives_on_elsewhere_without_loss_or_doubles()
    {
        await using var lab = await PartitionedCluster.StartAsync(silos: 3, gateways: 1);
        var room = Fresh.Room("split");
        await using var conversation = Conversation.Start(room, await lab.JoinAsync(room, 3), PerSecond, SendWithin);
        var chatters = conversation.Chatters;
        await conversation.UntilEachAckedAsync(10, TimeSpan.FromSeconds(60));
        var victim = await lab.Cluster.SiloHostingRoomAsync(room);

        await lab.Network.CutAsync(victim.Host.Name, lab.SilosOtherThan(victim));
        var cutAt = Stopwatch.GetTimestamp(); // once the cut is in force (the script takes a while on a busy machine)
        // The others stop hearing its probe answers and vote it dead; it still reaches PostgreSQL.
        await Wait.UntilAsync(async () => await lab.Cluster.StatusAsync(victim) == FailoverCluster.Dead, TimeSpan.FromSeconds(60), "declared dead");
        var declaredDead = Stopwatch.GetElapsedTime(cutAt);
        // Orleans' rule: a silo that reads in the table that it was declared dead stops itself at once,
        // so the activations it held can no longer answer anyone.
        Assert.True(await victim.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"silo {victim.Port} was declared dead but still runs");
        var stoppedItself = Stopwatch.GetElapsedTime(cutAt);
        var dropped = await lab.Network.DroppedAsync(victim.Host.Name);
        Assert.True(dropped > 0, "the cut dropped no packet: the silos were not partitioned");

        // Healed, the host serves again: a silo started there joins as a new incarnation.
        await lab.Network.HealAsync(victim.Host.Name);
        var rejoined = await lab.Cluster.StartSiloAsync(victim.Host);
        var acked = chatters.Sum(c => c.Acked.Count);
        await Wait.UntilAsync(() => chatters.Sum(c => c.Acked.Count) >= acked + 20, TimeSpan.FromSeconds(30), "chatting after the heal");
        var recovered = Chatters.LongestWaitAfter(chatters, cutAt);
        var notes = $"declared dead after {declaredDead.TotalSeconds:0.0} s, stopped itself (exit code {victim.ExitCode}) after {stoppedItself.TotalSeconds:0.0} s, "
            + $"{dropped} packets dropped; after the heal silo {rejoined.Port} joined from the same host";

        var audit = await conversation.SettleAsync(lab.Cluster.ConnectionString, output.WriteLine);
        FaultReport.Of("silo cut off from the other silos", audit, recovered, notes).Publish(output.WriteLine);
        conversation.AssertClean(audit);
    }

    [NetworkFact]
    public async Task A_gateway_cut_off_from_every_silo_answers_unavailable_within_seconds_and_its_clients_resume_on_another_without_a_gap()
    {
        await using var lab = await PartitionedCluster.StartAsync(silos: 1, gateways: 2);
        var room = Fresh.Room("stranded");
        // All on gateway0 first.
        await using var conversation = Conversation.Start(room, await lab.JoinAsync(room, 3), PerSecond, SendWithin);
        var chatters = conversation.Chatters;
        await conversation.UntilEachAckedAsync(10, TimeSpan.FromSeconds(60));
        var unansweredBefore = chatters.Sum(c => c.Timeouts);

        await lab.Network.CutAsync("gateway0", lab.SiloNames);
        var cutAt = Stopwatch.GetTimestamp();
        await Wait.UntilAsync(() => chatters.All(c => c.Sends.Any(s => s.StartedAt > cutAt)), TimeSpan.FromSeconds(60), "sending again");
        var recovered = Chatters.LongestWaitAfter(chatters, cutAt);

        // Errors, not hangs: each chatter heard of the trouble ("unavailable": the gateway gives the
        // cluster 5 s; or its socket closed), no send was left without an answer, and it moved on.
        Assert.All(chatters, c => Assert.True(c.TroubleAt.Any(t => t > cutAt), $"{c.User} was never told of any trouble"));
        var firstError = chatters.Max(c => Stopwatch.GetElapsedTime(cutAt, c.TroubleAt.First(t => t > cutAt)));
        Assert.True(firstError < TimeSpan.FromSeconds(15), $"the first error came {firstError.TotalSeconds:0.0} s after the cut");
        Assert.Equal(unansweredBefore, chatters.Sum(c => c.Timeouts));
        Assert.All(chatters, c => Assert.True(c.Moves >= 1, $"{c.User} never left the cut-off gateway"));
        Assert.True(await lab.Network.DroppedAsync("gateway0") > 0, "the cut dropped no packet");
        var notes = $"every chatter told of the trouble within {firstError.TotalSeconds:0.0} s of the cut, no send left unanswered, every chatter moved to gateway1 and resumed";

        var audit = await conversation.SettleAsync(lab.Cluster.ConnectionString, output.WriteLine);
        FaultReport.Of("gateway cut off from every silo", audit, recovered, notes).Publish(output.WriteLine);
        conversation.AssertClean(audit);
    }

    [NetworkFact]
    public async Task With_50_ms_each_way_and_one_percent_of_packets_lost_between_gateway_and_silos_nothing_is_lost_and_the_p99_send_to_ack_is_reported()
    {
        await using var lab = await PartitionedCluster.StartAsync(silos: 2, gateways: 1);
        var room = Fresh.Room("lossy");
        await using var conversation = Conversation.Start(room, await lab.JoinAsync(room, 3), PerSecond, SendWithin);
        var chatters = conversation.Chatters;
        await conversation.UntilEachAckedAsync(10, TimeSpan.FromSeconds(60));
        var clean = SendToAck(chatters, Stopwatch.GetTimestamp() - Stopwatch.Frequency * 60, Stopwatch.GetTimestamp());

        await lab.Network.SlowAsync("gateway0", lossPercent: 1, delayMs: 50, lab.SiloNames);
        var slowFrom = Stopwatch.GetTimestamp();
        var acked = chatters.Sum(c => c.Acked.Count);
        await Wait.UntilAsync(() => chatters.Sum(c => c.Acked.Count) >= acked + 300, TimeSpan.FromSeconds(90), "300 sends over the slow, lossy links");
        var lossy = SendToAck(chatters, slowFrom, Stopwatch.GetTimestamp());
        var longest = Chatters.LongestWaitAfter(chatters, slowFrom);
        var dropped = await lab.Network.DroppedAsync("gateway0");
        Assert.True(dropped > 0, "no packet was dropped: the links were not lossy");
        // No send is answered before a round trip between gateway and silo, 2 x 50 ms: a load on
        // the machine only adds to that, so the fastest send says whether the links were slow.
        Assert.True(lossy.Min() >= 95, $"the fastest send over the slow links took {lossy.Min():0} ms (before: {clean.Min():0} ms): the links were not slow");
        var notes = $"{lossy.Count} sends, send→ack min {lossy.Min():0} ms, p50 {Percentile(lossy, 0.5):0} ms, p99 {Percentile(lossy, 0.99):0} ms, max {lossy.Max():0} ms "
            + $"(before: min {clean.Min():0} ms, p50 {Percentile(clean, 0.5):0} ms, p99 {Percentile(clean, 0.99):0} ms); {dropped} packets dropped";

        var audit = await conversation.SettleAsync(lab.Cluster.ConnectionString, output.WriteLine);
        FaultReport.Of("50 ms each way and 1 % loss between gateway and silos", audit, longest, notes).Publish(output.WriteLine);
        conversation.AssertClean(audit);
    }

    [NetworkFact]
    public async Task A_silo_cut_off_from_PostgreSQL_answers_unavailable_for_its_rooms_acknowledges_nothing_and_recovers_when_healed()
    {
        await using var lab = await PartitionedCluster.StartAsync(silos: 2, gateways: 1);
        var room = Fresh.Room("dry");
        await using var conversation = Conversation.Start(room, await lab.JoinAsync(room, 3), PerSecond, SendWithin);
        var chatters = conversation.Chatters;
        await conversation.UntilEachAckedAsync(10, TimeSpan.FromSeconds(60));
        var victim = await lab.Cluster.SiloHostingRoomAsync(room);
        var unansweredBefore = chatters.Sum(c => c.Timeouts);

        await lab.Network.CutAsync(victim.Host.Name, "host");
        var cutAt = Stopwatch.GetTimestamp();
        // Every chatter hears "unavailable" while the silo cannot write the room's log.
        await Wait.UntilAsync(() => chatters.All(c => c.TroubleAt.Count(t => t > cutAt) >= 2), TimeSpan.FromSeconds(30), "'unavailable' for every chatter");
        var firstError = chatters.Max(c => Stopwatch.GetElapsedTime(cutAt, c.TroubleAt.First(t => t > cutAt)));
        var healAt = Stopwatch.GetTimestamp();
        // Sends begun once the cut was in force cannot have reached the log (a send in flight at the cut may have).
        var ackedWhileCut = chatters.Sum(c => c.Sends.Count(s => s.StartedAt > cutAt && s.AckedAt < healAt));
        var unanswered = chatters.Sum(c => c.Timeouts) - unansweredBefore;
        var dropped = await lab.Network.DroppedAsync(victim.Host.Name);
        await lab.Network.HealAsync(victim.Host.Name);

        Assert.True(dropped > 0, "the cut dropped no packet");
        // The room stayed where it was: its silo still answered the other silos' probes, so nobody declared it dead.
        Assert.False(victim.HasExited, "the silo cut off from PostgreSQL stopped");
        Assert.Equal(FailoverCluster.Active, await lab.Cluster.StatusAsync(victim));
        Assert.Equal(0, ackedWhileCut);
        Assert.Equal(0, unanswered);
        await Wait.UntilAsync(() => chatters.All(c => c.Sends.Any(s => s.AckedAt > healAt)), TimeSpan.FromSeconds(90), "acknowledged again after the heal");
        var backAfterHeal = chatters.Max(c => Stopwatch.GetElapsedTime(healAt, c.Sends.First(s => s.AckedAt > healAt).AckedAt));
        var recovered = Chatters.LongestWaitAfter(chatters, cutAt);
        var notes = $"cut {Stopwatch.GetElapsedTime(cutAt, healAt).TotalSeconds:0.0} s: first 'unavailable' {firstError.TotalSeconds:0.0} s after the cut, "
            + $"nothing begun during the cut acknowledged, no send unanswered, the silo stayed up and Active; "
            + $"every chatter acknowledged again {backAfterHeal.TotalSeconds:0.0} s after the heal";

        var audit = await conversation.SettleAsync(lab.Cluster.ConnectionString, output.WriteLine);
        FaultReport.Of("silo cut off from PostgreSQL", audit, recovered, notes).Publish(output.WriteLine);
        conversation.AssertClean(audit);
    }

    /// <summary>Send→ack times (ms) of the sends begun between two Stopwatch timestamps.</summary>
    private static List<double> SendToAck(IEnumerable<Chatter> chatters, long from, long to) =>
        [.. chatters.SelectMany(c => c.Sends).Where(s => s.StartedAt >= from && s.StartedAt < to)
            .Select(s => Stopwatch.GetElapsedTime(s.StartedAt, s.AckedAt).TotalMilliseconds).Order()];

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
