using System.Globalization;
using ChatApp.Bench.LoadGen.Hold;
using ChatApp.Bench.LoadGen.Measure;
using ChatApp.Bench.LoadGen.Protocol;
using ChatApp.Bench.LoadGen.Reporting;
using ChatApp.Bench.LoadGen.Setup;

namespace ChatApp.Bench.LoadGen.Scenarios;

/// <summary>
/// N authenticated idle connections: how fast they open (connect + hello), and what each costs
/// in resident memory of the server processes (gateways and silos; the baseline's processes).
/// </summary>
public sealed class ConnectionsScenario(Options options, HttpClient http, SourceAddresses sources) : Scenario(options, http, sources)
{
    private const int Wanted = 20_000;

    public override string Name => "connections";

    public override string? PeerCannot => null;

    public override IReadOnlyList<string> Headline => ["connectRate", "connect.p99", "rssAfter", "rssGrowth", "mbAt20000", "cpuPer1000Connections", "heldIdleCpu", "heldIdleOthers"];

    public override IReadOnlyList<Goal> Goals =>
    [
        new("held", $"{Wanted:N0} connections held", ">=", Wanted),
        new("kbPerConnection", "memory per connection ≤ 40 KB (gateways + silos)", "<=", 40),
    ];

    public override async Task<TargetRun> RunAsync(Target target, Progress progress, CancellationToken cancellationToken)
    {
        // Every socket is a file in its server and in the process that opened it, and one process
        // may have at most the hard limit of open files (20,000 on some machines, not raisable
        // without privileges): the sockets are opened by holder processes of at most --per-process
        // each, and spread in turn over the target's servers (bench.sh starts two gateways and two
        // baseline processes for this scenario).
        var fileLimit = HolderProcess.OpenFileLimit();
        var room = (int)Math.Max(1000, fileLimit - 1000);
        var perProcess = Options.Int("per-process", Math.Min(10_000, room));
        var n = Options.Int("n", (int)Math.Min(Wanted, (long)room * target.Servers.Count));
        var holders = (n + perProcess - 1) / perProcess;
        Setup["open-file limit (hard) per process"] = fileLimit.ToString("N0", CultureInfo.InvariantCulture);
        var concurrency = Options.Int("concurrency", 64);
        var hold = Seconds("hold", 15);
        var idleWindow = Seconds("idle-window", KeepAlivePeriod.TotalSeconds);
        Setup["connections"] = n.ToString("N0", CultureInfo.InvariantCulture);
        Setup["connect concurrency"] = $"{concurrency} in all ({Math.Max(1, concurrency / holders)} in each holder process)";
        Setup["load generator"] = $"{holders} holder processes (children of the load generator) of at most {perProcess:N0} sockets each; their CPU counts as the load generator's";
        Setup[$"{target.Name} servers"] = $"{target.Servers.Count} ({string.Join(", ", target.Servers.Select(s => s.Authority))}); socket i goes to server i mod {target.Servers.Count}";
        Setup["hold before measuring memory"] = $"{hold.TotalSeconds} s";
        Setup["held idle"] = $"server CPU over {idleWindow.TotalSeconds} s with every socket open and nothing sent, after the connects' work drained (up to --settle 60 s; --idle-window)";
        if (n < Wanted)
        {
            GoalNotes["held"] = $"measured at {n:N0}; memory extrapolated linearly to {Wanted:N0}";
        }
        var run = new TargetRun { Target = target.Name };

        progress.Phase("users");
        var users = await Users.CreateAsync(target, $"c{Tag}-", n, cancellationToken);
        run.Details["users"] = Users.Description;

        var processes = new List<HolderProcess>();
        try
        {
            for (var h = 0; h < holders; h++)
            {
                processes.Add(HolderProcess.Start(Options.Double("max-seconds", 900)));
            }
            // Let start-up garbage settle before the "before" reading.
            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
            var before = target.Pids.ToDictionary(p => p.Key, p => ProcessStats.RssBytes(p.Value));

            var connectLatency = new Latency("connect", "connect + hello");
            progress.Phase("connecting", () => $"{processes.Sum(p => p.Progress.Done):N0}/{n:N0} failed {processes.Sum(p => p.Progress.Failed)}");
            var cpu = new CpuWindow(target.Pids);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var servers = target.Servers.Select(s => s.ToString()).ToList();
            var connected = await Task.WhenAll(processes.Select((p, h) => p.AskAsync(
                new HolderCommand("connect", servers, users.Skip(h * perProcess).Take(perProcess).ToList(), h * perProcess, Math.Max(1, concurrency / holders), Protocol: target.Protocol),
                TimeSpan.FromMinutes(10), cancellationToken)));
            var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
            AddCpu(run, cpu);
            var failures = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var answer in connected)
            {
                connectLatency.Add(answer.Latency ?? []);
                foreach (var (reason, count) in answer.Failures ?? new Dictionary<string, int>())
                {
                    failures[reason] = failures.GetValueOrDefault(reason) + count;
                }
            }
            var failed = connected.Sum(a => a.Failed);
            var rate = (n - failed) / seconds;

            progress.Phase($"holding {connected.Sum(a => a.Open):N0}");
            await Task.Delay(hold, cancellationToken);
            var after = target.Pids.ToDictionary(p => p.Key, p => ProcessStats.RssBytes(p.Value));

            // What holding them costs with nothing sent: once the connects' work has drained, a fixed window.
            progress.Phase("draining the connects' work (servers idle)");
            await WaitForQuietAsync(target, QuietPercent, Seconds("settle", 60), cancellationToken);
            progress.Phase($"{connected.Sum(a => a.Open):N0} sockets held, nothing sent: measuring CPU for {idleWindow.TotalSeconds} s");
            AddHeldIdle(run, target, await HeldIdleAsync(target, idleWindow, cancellationToken), $"{connected.Sum(a => a.Open):N0} sockets", idleWindow);

            // Still alive and served? Every held socket answers a ping.
            var pingLatency = new Latency("ping", "ping while holding all");
            progress.Phase("pinging all");
            var pinged = await Task.WhenAll(processes.Select(p => p.AskAsync(new HolderCommand("ping"), TimeSpan.FromMinutes(5), cancellationToken)));
            foreach (var answer in pinged)
            {
                pingLatency.Add(answer.Latency ?? []);
            }

            var held = pinged.Sum(a => a.Open);
            var delta = after.Sum(a => a.Value) - before.Sum(b => b.Value);
            var kb = held == 0 ? 0 : delta / 1024.0 / held;
            run.Add("held", "connections held", held, "", higherIsBetter: true);
            run.Add("failed", "connections failed", failed, "");
            run.Add("connectRate", "connect rate (connect + hello)", rate, "/s", higherIsBetter: true);
            run.Add(connectLatency);
            AddCpuCost(run, target, rate / 1000, "cpuPer1000Connections", "server CPU per 1,000 connects (connect + hello)");
            run.Add("rssBefore", "RSS before", Mb(before.Sum(b => b.Value)), "MB");
            run.Add("rssAfter", "RSS holding all", Mb(after.Sum(a => a.Value)), "MB");
            run.Add("kbPerConnection", "memory per connection", kb, "KB");
            foreach (var (name, bytes) in after)
            {
                run.Add($"kbPerConnection.{name}", $"… of which {name}", held == 0 ? 0 : (bytes - before[name]) / 1024.0 / held, "KB");
            }
            if (n < Wanted)
            {
                run.Add("mbAt20000", $"RSS growth extrapolated to {Wanted:N0}", kb * Wanted / 1024, "MB");
            }
            else
            {
                run.Add("rssGrowth", "RSS growth holding all", Mb(delta), "MB");
            }
            run.Add("pingsOk", "pings answered while holding all", pinged.Sum(a => a.PingsOk), "", higherIsBetter: true);
            run.Add(pingLatency);
            foreach (var (reason, count) in failures)
            {
                run.Notes.Add($"{count} × {reason}");
            }
            progress.Phase("closing");
        }
        finally
        {
            await Task.WhenAll(processes.Select(p => p.DisposeAsync().AsTask()));
        }
        return run;
    }
}
