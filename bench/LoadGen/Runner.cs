using System.Globalization;
using System.Text.Json;
using ChatApp.Bench.LoadGen.Measure;
using ChatApp.Bench.LoadGen.Protocol;
using ChatApp.Bench.LoadGen.Reporting;
using ChatApp.Bench.LoadGen.Scenarios;
using ChatApp.Bench.LoadGen.Setup;

namespace ChatApp.Bench.LoadGen;

/// <summary>
/// Runs one scenario against ChatApp and then, where it can serve it, against the baseline; then
/// writes results/&lt;scenario&gt;.json, .md and .png. The whole run is bounded by --max-seconds.
/// </summary>
public static class Runner
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        PreferredObjectCreationHandling = System.Text.Json.Serialization.JsonObjectCreationHandling.Populate,
    };

    public static async Task<int> RunAsync(Options options)
    {
        var name = options.Words.ElementAtOrDefault(1) ?? throw new InvalidOperationException("which scenario?");
        var outDir = options.String("out", "bench/results");
        Directory.CreateDirectory(outDir);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(options.Double("max-seconds", 900)));
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            deadline.Cancel();
        };

        var targets = new List<Target>();
        if (options.String("chatapp") is { } chat)
        {
            targets.Add(new Target(Target.ChatAppName, Target.ParseServers(chat), Target.ParsePids(options.String("chatapp-pids")), IsChatApp: true));
        }
        if (options.String("baseline") is { } baseline)
        {
            targets.Add(new Target(Target.BaselineName, Target.ParseServers(baseline), Target.ParsePids(options.String("baseline-pids")), IsChatApp: false));
        }
        // The peers people would pick instead, in the same run (bench/README.md, "Peers: ejabberd and SignalR").
        if (options.String("signalr") is { } signalr)
        {
            targets.Add(new Target(Target.SignalRName, Target.ParseServers(signalr), Target.ParsePids(options.String("signalr-pids")), IsChatApp: false, ClientProtocol.SignalR));
        }
        if (options.String("ejabberd") is { } ejabberd)
        {
            targets.Add(new Target(Target.EjabberdName, Target.ParseServers(ejabberd), Target.ParsePids(options.String("ejabberd-pids")), IsChatApp: false, ClientProtocol.Xmpp));
        }
        if (options.String("pg-pid") is { } pgPid)
        {
            ProcessStats.PostgresMain = int.Parse(pgPid, CultureInfo.InvariantCulture);
        }
        using var sources = new SourceAddresses(options.Int("source-addresses", 8));
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };
        Scenario scenario = name switch
        {
            "connections" => new ConnectionsScenario(options, http, sources),
            "fanout" or "hotroom" => new FanoutScenario(name, options, http, sources),
            "durable" => new DurableScenario(options, http, sources),
            "history" or "search" => new HistoryScenario(name, options, http, sources),
            "presence" => new PresenceScenario(options, http, sources),
            "hellostorm" => new HelloStormScenario(options, http, sources),
            "scaling" => new ScalingScenario(options, http, sources),
            "bigroom" => new BigRoomScenario(options, http, sources),
            "reactions" => new ReactionsScenario(options, http, sources),
            "uploads" => new UploadsScenario(options, http, sources),
            _ => throw new InvalidOperationException($"unknown scenario '{name}'"),
        };

        var report = new ScenarioReport { Scenario = name, StartedUtc = DateTime.UtcNow };
        report.Machine["machine"] = $"{Environment.ProcessorCount} cores, {MemoryGb()} GB; load generator, servers and PostgreSQL all on it";
        report.Machine["load average at start"] = ProcessStats.LoadAverage();
        report.Machine["PostgreSQL CPU counted"] = ProcessStats.PostgresMain is { } main
            ? $"the bench's own cluster only (main process {main} and its children); other clusters count as others"
            : "every PostgreSQL process on the machine";
        if (options.String("system") is { } system)
        {
            report.Setup["system"] = system;
        }
        if (options.String("limits") is { } limits)
        {
            report.Setup["gateway limits for the run"] = limits;
        }

        var exit = 0;
        foreach (var target in targets)
        {
            if (!scenario.RunsOn(target, out var reason))
            {
                report.NotRun[target.Name] = reason!;
                continue;
            }
            await using var progress = new Progress($"{name} on {target.Name}");
            try
            {
                // Idle: once start-up work (JIT, membership, first activations) has died down.
                progress.Phase("waiting for the servers to be idle, then measuring idle CPU");
                await Scenario.WaitForQuietAsync(target, 30, TimeSpan.FromSeconds(30), deadline.Token);
                var idle = new CpuWindow(target.Pids);
                await Task.Delay(TimeSpan.FromSeconds(5), deadline.Token);
                var idleCpu = idle.Stop();
                scenario.IdleCpuPercent = target.Pids.Keys.Sum(k => idleCpu.GetValueOrDefault(k)) + idleCpu.GetValueOrDefault("postgres");
                report.Targets.Add(await scenario.RunAsync(target, progress, deadline.Token));
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                progress.Note("stopped: out of time (--max-seconds) or interrupted");
                exit = 1;
                break;
            }
        }
        foreach (var (key, value) in scenario.Setup)
        {
            report.Setup[key] = value;
        }
        report.Machine["load average at end"] = ProcessStats.LoadAverage();
        report.FinishedUtc = DateTime.UtcNow;
        var chatRun = report.Targets.FirstOrDefault(t => t.IsChatApp());
        var baselineRun = report.Targets.FirstOrDefault(t => t.Target == Target.BaselineName);
        foreach (var goal in scenario.Goals)
        {
            var actual = chatRun?.Get(goal.Key);
            var threshold = goal.ThresholdFor(baselineRun);
            report.Goals.Add(new GoalResult(goal.Label, goal.Key, goal.Op, threshold, actual, Goal.IsMet(goal.Op, threshold, actual),
                scenario.GoalNotes.GetValueOrDefault(goal.Key), goal.OfBaseline ? goal.Threshold : null));
        }
        report.Headline.AddRange(scenario.Headline);
        report.PlotName = scenario.PlotName;
        if (scenario.Section(report) is { } section)
        {
            report.Sections.Add(section);
        }

        var basePath = Path.Combine(outDir, name);
        await File.WriteAllTextAsync(basePath + ".json", JsonSerializer.Serialize(report, Json));
        await File.WriteAllTextAsync(basePath + ".md", Markdown.Page(report));
        if (report.PlotName == "latency percentiles")
        {
            Plots.Write(basePath + ".png", $"{name}: latency percentiles",
                report.Targets.SelectMany(t => t.Histograms.Where(h => Plotted(name, h.Name)).Select(h => (t.Target, h))));
        }
        scenario.WritePlots(basePath, report);
        if (report.Targets.Any(t => t.Sweep.Count > 0))
        {
            Plots.WriteSweep(basePath + "-sweep.png", $"{name}: rate sweep, p99 send → receipt by deliveries/s",
                report.Targets.Where(t => t.Sweep.Count > 0).Select(t => (t.Target, (IReadOnlyList<SweepStep>)t.Sweep)), FanoutSweep.P99Limit);
        }
        if (report.Targets.Any(t => t.Timelines.Count > 0))
        {
            Plots.WriteTimeline(basePath + "-timeline.png", $"{name}: latency over time",
                report.Targets.SelectMany(t => t.Timelines.Select(l => (t.Target, l))));
        }
        Console.Error.WriteLine();
        Console.WriteLine(File.ReadAllText(basePath + ".md"));
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {basePath}.json, .md, .png"));
        foreach (var unused in options.Unused)
        {
            Console.Error.WriteLine($"warning: option --{unused} was not used");
        }
        return exit;
    }

    /// <summary>
    /// <c>replot &lt;scaling&gt; --out DIR [its options]</c>: writes a scenario's own plot again from
    /// its results/&lt;scenario&gt;.json, e.g. after the plot's layout changed, without running it again.
    /// </summary>
    public static int Replot(Options options)
    {
        var name = options.Words.ElementAtOrDefault(1) ?? throw new InvalidOperationException("which scenario?");
        var basePath = Path.Combine(options.String("out", "bench/results"), name);
        var report = JsonSerializer.Deserialize<ScenarioReport>(File.ReadAllText(basePath + ".json"), Json)!;
        using var http = new HttpClient();
        using var sources = new SourceAddresses(1);
        Scenario scenario = name switch
        {
            "scaling" => new ScalingScenario(options, http, sources),
            _ => throw new InvalidOperationException($"'{name}' has no plot of its own"),
        };
        scenario.WritePlots(basePath, report);
        return 0;
    }

    private static bool IsChatApp(this TargetRun run) => run.Target == Target.ChatAppName;

    private static bool Plotted(string scenario, string latency) =>
        scenario == "connections" || latency is not ("connect" or "join" or "ping" or "hello" or "rejoin");

    private static string MemoryGb()
    {
        var line = File.ReadLines("/proc/meminfo").First();
        var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return (kb / 1024.0 / 1024.0).ToString("0", CultureInfo.InvariantCulture);
    }
}
