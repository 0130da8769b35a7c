using System.Diagnostics;
using ChatApp.Tests.Failover.Support;

namespace ChatApp.Bench.Chaos;

/// <summary>
/// Three silo processes and a gateway on loopback, clients chatting in one room, and a loop: wait
/// until everyone is sending, SIGKILL the silo holding the room, time how long until it is declared
/// dead and until every client's sends are acknowledged again, start a replacement. At the end the
/// room's log is audited against every acknowledgement and every client's events.
/// </summary>
public static class ChaosRun
{
    private static readonly TimeSpan SendWithin = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StepWithin = TimeSpan.FromSeconds(60);

    public static async Task<ChaosReport> RunAsync(ChaosOptions options, Action<string> log)
    {
        var clock = Stopwatch.StartNew();
        log($"chaos: {options.Cycles} kills, {options.Clients} clients at {options.Rate} messages/s each, at most {options.MaxDuration.TotalSeconds:0} s");
        // The gateway runs in this process: its warnings (every failed send during a failover) would drown the report.
        await using var cluster = await FailoverCluster.StartAsync(silos: 3, gatewaySettings: new Dictionary<string, string>
        {
            ["Logging:LogLevel:Default"] = "Error",
        });
        log($"cluster {cluster.ClusterId} up after {clock.Elapsed.TotalSeconds:0.0} s; silo logs in {cluster.LogDirectory}");
        var room = $"chaos-{Guid.NewGuid():N}"[..20];
        var clients = await Chatters.JoinAsync(cluster, room, options.Clients);
        await using var database = new DatabaseWatch(cluster.ConnectionString);
        using var stop = new CancellationTokenSource();
        var chatting = clients.Select(c => c.ChatAsync(options.Rate, SendWithin, stop.Token)).ToArray();
        var cycles = new List<KillCycle>();
        try
        {
            for (var i = 1; i <= options.Cycles && clock.Elapsed < options.MaxDuration - TimeSpan.FromSeconds(60); i++)
            {
                cycles.Add(await KillOnceAsync(cluster, room, clients, i, log));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(chatting);
        }

        var audit = await Chatters.SettleAsync(cluster.ConnectionString, room, clients, log);
        var report = new ChaosReport(options, cycles, audit,
            Unavailable: clients.Sum(c => c.Unavailable), Unanswered: clients.Sum(c => c.Timeouts),
            Reconnects: clients.Sum(c => c.Reconnects), Resyncs: clients.Sum(c => c.Resyncs),
            OtherErrors: clients.Sum(c => c.OtherErrors.Count), Reloaded: clients.Sum(c => c.Reloaded),
            PeakDatabaseConnections: database.PeakConnections, SiloMemoryMb: ResidentMegabytes(cluster.Silos.Where(s => !s.HasExited)),
            Elapsed: clock.Elapsed);
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
        return report;
    }

    /// <summary>Resident memory of each running silo process, from /proc, in MB.</summary>
    private static IReadOnlyList<double> ResidentMegabytes(IEnumerable<ChatProcess> silos) =>
        [.. silos.Select(s => File.ReadLines($"/proc/{s.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)))
            .Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024)];

    private static async Task<KillCycle> KillOnceAsync(FailoverCluster cluster, string room, List<Chatter> clients, int cycle, Action<string> log)
    {
        // Everyone is sending: each client has had a send acknowledged in the last second.
        await Wait.UntilAsync(() => clients.All(c => c.Sends.Count > 0 && Stopwatch.GetElapsedTime(c.Sends[^1].AckedAt) < TimeSpan.FromSeconds(1)),
            StepWithin, "every client sending");
        var hosts = await cluster.SilosHostingRoomAsync(room);
        if (hosts.Count != 1)
        {
            log($"kill {cycle}: the room is active on {hosts.Count} silos ({string.Join(", ", hosts.Select(h => h.Port))}); killing the directory's choice");
        }
        var victim = await cluster.SiloHostingRoomAsync(room);
        var acknowledgedBefore = clients.Sum(c => c.Acked.Count);

        var killedAt = Stopwatch.GetTimestamp();
        victim.Kill();
        // A supervisor (systemd Restart=always, Kubernetes) starts a new silo at once, while the others notice the death.
        var replacing = cluster.StartSiloAsync();
        await Wait.UntilAsync(async () => await cluster.StatusAsync(victim) == FailoverCluster.Dead, StepWithin, "declared dead");
        var detected = Stopwatch.GetElapsedTime(killedAt);
        await Wait.UntilAsync(() => clients.All(c => c.Sends.Any(s => s.StartedAt > killedAt)), StepWithin, "every client acknowledged again");
        var recovered = Chatters.RecoveredAfter(clients, killedAt);
        // Live again: every client was shown (live, from the log, or through a resync's reload) the newest acknowledged message.
        var newest = clients.Max(c => c.Acked.Values.DefaultIfEmpty().Max());
        await Wait.UntilAsync(() => clients.All(c => c.LastSeen >= newest), StepWithin, "every client shown the newest message");
        var shown = Stopwatch.GetElapsedTime(killedAt);

        var replacement = await replacing;
        var result = new KillCycle(cycle, victim.Port, detected, recovered, shown, clients.Sum(c => c.Acked.Count) - acknowledgedBefore);
        log($"kill {cycle}: silo {victim.Port} declared dead after {detected.TotalSeconds:0.00} s, every client sending again after "
            + $"{recovered.TotalSeconds:0.00} s and shown everything after {shown.TotalSeconds:0.00} s; replacement {replacement.Port} active {Stopwatch.GetElapsedTime(killedAt).TotalSeconds:0.0} s after the kill");
        return result;
    }
}

/// <summary>
/// One kill, timed from the kill: when the silo was declared dead, when every client's sends were
/// acknowledged again, and when every client had been shown the newest acknowledged message.
/// </summary>
public sealed record KillCycle(int Cycle, int Silo, TimeSpan DeclaredDead, TimeSpan Recovered, TimeSpan ShownAgain, int AcknowledgedMeanwhile);
