using System.Diagnostics;
using System.Globalization;
using System.Text;
using ChatApp.Bench.LoadGen.Measure;
using ChatApp.Bench.LoadGen.Protocol;
using ChatApp.Bench.LoadGen.Reporting;
using ChatApp.Bench.LoadGen.Setup;

namespace ChatApp.Bench.LoadGen.Scenarios;

/// <summary>
/// Whether the cost of a join and of a delivery stays flat as rooms grow (one room of 10 …
/// 10,000 members) and as rooms multiply (10 … 1,000 rooms of 10): for each size, the server CPU
/// per join and per 1,000 deliveries (net of holding the sockets idle) and the p99 send → receipt.
/// One set of sockets serves every point: each point's members join fresh rooms of their own.
/// Every point is bounded in time (joins stop being issued after --point-join-seconds), so a size
/// whose joins slow down shows as fewer members joined, not as a run that never ends.
/// </summary>
public sealed class ScalingScenario(Options options, HttpClient http, SourceAddresses sources) : Scenario(options, http, sources)
{
    public override string Name => "scaling";

    public override string? PeerCannot =>
        "not written for the peers yet: its join-cost accounting reads ChatApp's join events";

    public override IReadOnlyList<Goal> Goals => [];

    public override IReadOnlyList<string> Headline =>
    [
        .. Points.SelectMany(p => new[] { $"{p.Key}.cpuPerJoin", $"{p.Key}.cpuPer1000Deliveries", $"{p.Key}.e2e.p99" }),
    ];

    public override string PlotName => "server CPU per join and per 1,000 deliveries by size";

    private IReadOnlyList<ScalingPoint> Points => ScalingPoint.Default(Options.Int("largest", 10_000));

    public override async Task<TargetRun> RunAsync(Target target, Progress progress, CancellationToken cancellationToken)
    {
        var points = Points;
        var joinLimit = Seconds("point-join-seconds", 60);
        var sendFor = Seconds("point-seconds", 10);
        var wantedDeliveries = Options.Double("deliveries", 5000);
        var maxRate = Options.Double("max-rate", 400);
        var idleWindow = Seconds("idle-window", 10);
        var sockets = points.Max(p => p.Sockets);
        Setup["points (rooms × members)"] = string.Join(", ", points.Select(p => p.Label));
        Setup["sockets"] = $"{sockets:N0}, connected once; each point's members (sockets 0 … rooms × members − 1) join fresh rooms of that point and stay in them";
        Setup["joins per point"] = $"2 per room in flight (at most 32); no join starts after {joinLimit.TotalSeconds} s (--point-join-seconds); at most as many members per room as keep the join events (m(m − 1)/2 per room, each join's event reaching every member already in) under {Options.Double("join-event-budget", 5_000_000):N0} frames (--join-event-budget): 3,162 of the room of 10,000; the join window runs until the servers are idle again (at most --point-settle, 30 s), so the join events' delivery to the members counts as the joins' cost";
        Setup["messages per point"] = $"{sendFor.TotalSeconds} s at {wantedDeliveries:N0} deliveries/s ÷ members per room, between 2 and {maxRate} msg/s (--deliveries, --max-rate), from random members; window until every delivery is read (at most 20 s more)";
        Setup["CPU per join / per 1,000 deliveries"] = $"server CPU (processes + PostgreSQL) in the window less that of holding the sockets idle ({idleWindow.TotalSeconds} s after connecting), × window ÷ joins or deliveries";
        var run = new TargetRun { Target = target.Name };

        progress.Phase("users");
        var users = await Users.CreateAsync(target, $"s{Tag}-", sockets, cancellationToken);
        run.Details["users"] = Users.Description;
        var capacity = (int)(points.Count * maxRate * sendFor.TotalSeconds * 1.2) + 1000;
        var ledger = new MessageLedger(capacity, new Latency("e2e", "send → receipt"));
        await using var fleet = new Fleet(target, Sources, ledger);
        var connect = new Latency("connect", "connect + hello");
        progress.Phase("connecting", () => $"{fleet.Done:N0}/{sockets:N0} failed {fleet.FailureCount}");
        run.Add("connectRate", "connect rate", await fleet.ConnectAsync(users, Options.Int("concurrency", 64), connect, cancellationToken), "/s", higherIsBetter: true);

        await WaitForQuietAsync(target, QuietPercent, TimeSpan.FromSeconds(60), cancellationToken);
        progress.Phase($"{fleet.OpenCount:N0} sockets held, no room: measuring CPU for {idleWindow.TotalSeconds} s");
        var held = await HeldIdleAsync(target, idleWindow, cancellationToken);
        AddHeldIdle(run, target, held, $"{fleet.OpenCount:N0} sockets in no room", idleWindow);
        var heldPercent = ServerPercent(target, held);

        foreach (var point in points)
        {
            await RunPointAsync(point, run, target, fleet, ledger, heldPercent, progress, cancellationToken);
        }
        run.Add("failed", "connections or joins failed", fleet.FailureCount, "");
        foreach (var (reason, n) in fleet.Failures)
        {
            run.Notes.Add($"{n} × {reason}");
        }
        progress.Phase("closing");
        return run;
    }

    private async Task RunPointAsync(ScalingPoint point, TargetRun run, Target target, Fleet fleet, MessageLedger ledger, double heldPercent,
        Progress progress, CancellationToken cancellationToken)
    {
        var k = point.Key;
        string RoomOf(int index) => $"s{Tag}-{k}-{index / point.Members}";

        // Each join's event goes to every member already in: a room of m costs m(m − 1)/2 frames to
        // join, 50 M for 10,000 — minutes of reading for the load generator alone. A point joins at
        // most as many members per room as keep that under the budget, and says so.
        var budget = Options.Double("join-event-budget", 5_000_000);
        var perRoom = Math.Min(point.Members, (int)Math.Floor(Math.Sqrt(2 * budget / point.Rooms)));
        if (perRoom < point.Members)
        {
            run.Notes.Add($"{point.Label}: {perRoom:N0} members per room asked to join, not {point.Members:N0}: their join events alone are {perRoom * (perRoom - 1L) / 2 * point.Rooms:N0} frames (--join-event-budget {budget:N0})");
        }
        var join = new Latency($"{k}.join", "join");
        progress.Phase($"{point.Label}: joining", () => $"{fleet.Done:N0}/{point.Sockets:N0} events {fleet.Sum(c => c.Events):N0}");
        var window = new CpuWindow(target.Pids);
        var started = Stopwatch.GetTimestamp();
        var joinRate = await fleet.JoinAsync(RoomOf, Math.Clamp(point.Rooms * 2, 2, 32), join, cancellationToken,
            Enumerable.Range(0, point.Sockets).Where(i => i % point.Members < perRoom), Seconds("point-join-seconds", 60));
        var joinSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        progress.Phase($"{point.Label}: draining the joins' work", () => $"events {fleet.Sum(c => c.Events):N0}");
        await WaitForQuietAsync(target, QuietPercent, Seconds("point-settle", 30), cancellationToken);
        var joinCpu = window.Stop();
        var joinWindow = Stopwatch.GetElapsedTime(started).TotalSeconds;
        run.CpuPhases[$"{k} joins"] = joinCpu;
        var joined = fleet.JoinedCount;
        var joinSummary = join.Summary();
        run.Add($"{k}.joined", $"{point.Label}: joined (of {point.Sockets:N0})", joined, "", higherIsBetter: true);
        run.Add($"{k}.joinSeconds", $"{point.Label}: joins took", joinSeconds, "s");
        run.Add($"{k}.joinRate", $"{point.Label}: join rate", joinRate, "/s", higherIsBetter: true);
        run.Add($"{k}.join.p50", $"{point.Label}: join p50", joinSummary.P50, "ms");
        run.Add($"{k}.join.p99", $"{point.Label}: join p99", joinSummary.P99, "ms");
        run.Add($"{k}.cpuPerJoin", $"{point.Label}: server CPU per join (net of holding the sockets)", NetMs(target, joinCpu, heldPercent, joinWindow) / Math.Max(1, joined), "ms CPU");
        run.Add($"{k}.joinOthers", $"{point.Label}: others during the joins", joinCpu.GetValueOrDefault("others"), "% of a core");

        var members = Enumerable.Range(0, point.Rooms)
            .Select(r => Enumerable.Range(r * point.Members, point.Members).Where(fleet.Joined).ToArray()).ToArray();
        var rate = Math.Clamp(Options.Double("deliveries", 5000) / Math.Max(1.0, (double)joined / point.Rooms), 2, Options.Double("max-rate", 400));
        var e2e = new Latency($"{k}.e2e", "send → receipt");
        var sender = new FanoutSender(fleet, ledger, members, RoomOf);
        var first = ledger.Count;
        var (duplicates, disorder) = (fleet.Sum(c => c.Duplicates), fleet.Sum(c => c.OutOfOrder + c.Gaps));
        progress.Phase($"{point.Label}: sending {rate:0.#} msg/s", () => $"sent {sender.Sent:N0} delivered {ledger.Deliveries:N0} in flight {sender.InFlight}");
        window = new CpuWindow(target.Pids);
        started = Stopwatch.GetTimestamp();
        await OpenLoop.RunAsync(rate, Seconds("point-seconds", 10), i => sender.Send(i, e2e, null, null), cancellationToken);
        await WaitUntilAsync(() => sender.InFlight == 0 && ledger.Outstanding(first, ledger.Count) == 0, TimeSpan.FromSeconds(20), cancellationToken);
        var sendCpu = window.Stop();
        var sendWindow = Stopwatch.GetElapsedTime(started).TotalSeconds;
        run.CpuPhases[$"{k} messages"] = sendCpu;
        var (lost, extra, expected) = ledger.Tally(first, ledger.Count);
        var delivered = expected - lost + extra;
        var netMs = NetMs(target, sendCpu, heldPercent, sendWindow);
        var e2eSummary = e2e.Summary();
        run.Add($"{k}.rate", $"{point.Label}: send rate", sender.Sent / Seconds("point-seconds", 10).TotalSeconds, "msg/s");
        run.Add($"{k}.deliveries", $"{point.Label}: deliveries", delivered, "");
        run.Add($"{k}.cpuPer1000Deliveries", $"{point.Label}: server CPU per 1,000 deliveries (net of holding the sockets)", delivered == 0 ? 0 : netMs / delivered * 1000, "ms CPU");
        run.Add($"{k}.cpuPerMessage", $"{point.Label}: server CPU per message", sender.Acked == 0 ? 0 : netMs / sender.Acked, "ms CPU");
        run.Add($"{k}.e2e.p50", $"{point.Label}: send → receipt p50", e2eSummary.P50, "ms");
        run.Add($"{k}.e2e.p99", $"{point.Label}: send → receipt p99", e2eSummary.P99, "ms");
        run.Add($"{k}.lost", $"{point.Label}: lost deliveries", lost, "");
        run.Add($"{k}.duplicates", $"{point.Label}: duplicates", fleet.Sum(c => c.Duplicates) - duplicates + extra, "");
        run.Add($"{k}.outOfOrder", $"{point.Label}: out of order + gaps", fleet.Sum(c => c.OutOfOrder + c.Gaps) - disorder, "");
        run.Add($"{k}.sendErrors", $"{point.Label}: send errors", sender.ErrorCount, "");
        run.Add($"{k}.sendOthers", $"{point.Label}: others during the messages", sendCpu.GetValueOrDefault("others"), "% of a core");
    }

    /// <summary>Milliseconds of server CPU in a window beyond what holding the sockets idle costs.</summary>
    private static double NetMs(Target target, IReadOnlyDictionary<string, double> cpu, double heldPercent, double seconds) =>
        Math.Max(0, ServerPercent(target, cpu) - heldPercent) / 100 * seconds * 1000;

    /// <summary>One row per point: both targets' costs side by side, and ChatApp's as a multiple of its series' smallest point.</summary>
    public override string? Section(ScenarioReport report)
    {
        var chat = report.Targets.FirstOrDefault(t => t.Target == Target.ChatAppName);
        var baseline = report.Targets.FirstOrDefault(t => t.Target == Target.BaselineName);
        string N(TargetRun? run, string key) => Markdown.Number(run?.Get(key));
        string Growth(ScalingPoint point, string figure)
        {
            var smallest = Points.First(p => p.Series == point.Series);
            return chat?.Get($"{smallest.Key}.{figure}") is > 0 and var s && chat.Get($"{point.Key}.{figure}") is { } v ? "×" + Markdown.Number(v / s) : "—";
        }
        var md = new StringBuilder();
        md.AppendLine("## Cost by size (flat per join = O(1); flat per 1,000 deliveries = O(recipients) per message)");
        md.AppendLine();
        md.AppendLine("| rooms × members | joined (ChatApp / baseline) | CPU per join, ms (ChatApp / baseline) | ChatApp per join × smallest | CPU per 1,000 deliveries, ms (ChatApp / baseline) | ChatApp per 1,000 × smallest | send → receipt p99, ms (ChatApp / baseline) | msg/s | lost | others % (joins / messages) |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in Points)
        {
            var k = p.Key;
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {p.Label} | {N(chat, $"{k}.joined")} / {N(baseline, $"{k}.joined")} | {N(chat, $"{k}.cpuPerJoin")} / {N(baseline, $"{k}.cpuPerJoin")} | {Growth(p, "cpuPerJoin")} | {N(chat, $"{k}.cpuPer1000Deliveries")} / {N(baseline, $"{k}.cpuPer1000Deliveries")} | {Growth(p, "cpuPer1000Deliveries")} | {N(chat, $"{k}.e2e.p99")} / {N(baseline, $"{k}.e2e.p99")} | {N(chat, $"{k}.rate")} | {N(chat, $"{k}.lost")} / {N(baseline, $"{k}.lost")} | {N(chat, $"{k}.joinOthers")} / {N(chat, $"{k}.sendOthers")} |");
        }
        md.AppendLine();
        return md.ToString();
    }

    public override void WritePlots(string basePath, ScenarioReport report)
    {
        var lines = new List<(string, double[], double[], bool)>();
        foreach (var run in report.Targets)
        {
            foreach (var series in new[] { "members", "rooms" })
            {
                var points = Points.Where(p => p.Series == series && run.Get($"{p.Key}.joined") > 0).ToList();
                var xs = points.Select(p => (double)p.Size).ToArray();
                var axis = series == "members" ? "members in 1 room" : "rooms of 10";
                lines.Add(($"{run.Target}: per join, {axis}", xs, [.. points.Select(p => run.Get($"{p.Key}.cpuPerJoin") ?? 0)], run.Target == Target.BaselineName));
                lines.Add(($"{run.Target}: per 1,000 deliveries, {axis}", xs, [.. points.Select(p => run.Get($"{p.Key}.cpuPer1000Deliveries") ?? 0)], run.Target == Target.BaselineName));
            }
        }
        Plots.WriteLogLog(basePath + ".png", "scaling: server CPU per join and per 1,000 deliveries (flat = constant cost)",
            "size: members of the one room, or rooms of 10 (log scale)", "ms of server CPU (log scale)", lines);
    }
}
