using System.Globalization;
using ChatApp.Bench.LoadGen.Measure;
using ChatApp.Bench.LoadGen.Protocol;
using ChatApp.Bench.LoadGen.Reporting;
using ChatApp.Bench.LoadGen.Setup;

namespace ChatApp.Bench.LoadGen.Scenarios;

/// <summary>
/// N authenticated idle connections: how fast they open (connect + hello), and what each costs
/// in resident memory of the server processes (gateway and silos; the baseline's one process).
/// </summary>
public sealed class ConnectionsScenario(Options options, HttpClient http, SourceAddresses sources) : Scenario(options, http, sources)
{
    private const int Wanted = 20_000;

    public override string Name => "connections";

    public override IReadOnlyList<string> Headline => ["connectRate", "connect.p99", "rssAfter", "mbAt20000", "cpuPer1000Connections"];

    public override IReadOnlyList<Goal> Goals =>
    [
        new("held", $"{Wanted:N0} connections held", ">=", Wanted),
        new("kbPerConnection", "memory per connection ≤ 40 KB (gateway + silos)", "<=", 40),
    ];

    public override async Task<TargetRun> RunAsync(Target target, Progress progress, CancellationToken cancellationToken)
    {
        // Every socket is a file in the gateway and in this process: the hard limit on open files
        // (20,000 on some machines, and not raisable without privileges) caps what can be held.
        var fileLimit = OpenFileLimit();
        var n = Options.Int("n", (int)Math.Min(Wanted, fileLimit - 1000));
        Setup["open-file limit (hard) per process"] = fileLimit.ToString("N0", CultureInfo.InvariantCulture);
        var concurrency = Options.Int("concurrency", 64);
        var hold = Seconds("hold", 15);
        Setup["connections"] = n.ToString("N0", CultureInfo.InvariantCulture);
        Setup["connect concurrency"] = concurrency.ToString(CultureInfo.InvariantCulture);
        Setup["hold before measuring memory"] = $"{hold.TotalSeconds} s";
        if (n < Wanted)
        {
            GoalNotes["held"] = $"measured at {n:N0}; memory extrapolated linearly to {Wanted:N0}";
        }
        var run = new TargetRun { Target = target.Name };

        progress.Phase("users");
        var users = await Users.CreateAsync(target, $"c{Tag}-", n, cancellationToken);
        run.Details["users"] = Users.Description;

        // Let start-up garbage settle before the "before" reading.
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var before = target.Pids.ToDictionary(p => p.Key, p => ProcessStats.RssBytes(p.Value));

        var connectLatency = new Latency("connect", "connect + hello");
        await using var fleet = new Fleet(target, Sources, NoSink.Instance);
        progress.Phase("connecting", () => $"{fleet.Done:N0}/{n:N0} failed {fleet.FailureCount}");
        var cpu = new CpuWindow(target.Pids);
        var rate = await fleet.ConnectAsync(users, concurrency, connectLatency, cancellationToken);
        AddCpu(run, cpu);

        progress.Phase($"holding {fleet.Clients.Count:N0}", () => $"open {fleet.OpenCount:N0}");
        await Task.Delay(hold, cancellationToken);
        var after = target.Pids.ToDictionary(p => p.Key, p => ProcessStats.RssBytes(p.Value));

        // Still alive and served? Every held socket answers a ping.
        var pingLatency = new Latency("ping", "ping while holding all");
        long pingsOk = 0;
        progress.Phase("pinging all", () => $"{pingsOk:N0}");
        await Parallel.ForEachAsync(fleet.Clients, new ParallelOptions { MaxDegreeOfParallelism = 256, CancellationToken = cancellationToken },
            async (client, ct) =>
            {
                var reply = await client.PingAsync().WaitAsync(TimeSpan.FromSeconds(30), ct);
                if (reply.Ok)
                {
                    Interlocked.Increment(ref pingsOk);
                    pingLatency.Record(reply.SentAt, reply.ReceivedAt);
                }
            });

        var held = fleet.OpenCount;
        var delta = after.Sum(a => a.Value) - before.Sum(b => b.Value);
        var kb = held == 0 ? 0 : delta / 1024.0 / held;
        run.Add("held", "connections held", held, "", higherIsBetter: true);
        run.Add("failed", "connections failed", fleet.FailureCount, "");
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
        run.Add("mbAt20000", $"RSS growth extrapolated to {Wanted:N0}", kb * Wanted / 1024, "MB");
        run.Add("pingsOk", "pings answered while holding all", pingsOk, "", higherIsBetter: true);
        run.Add(pingLatency);
        foreach (var (reason, count) in fleet.Failures)
        {
            run.Notes.Add($"{count} × {reason}");
        }

        progress.Phase("closing");
        return run;
    }

    private static long OpenFileLimit()
    {
        var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var fields = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields is { Length: >= 5 } && long.TryParse(fields[4], CultureInfo.InvariantCulture, out var hard) ? hard : 1_048_576;
    }
}
