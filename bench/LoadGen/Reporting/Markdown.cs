using System.Globalization;
using System.Text;

namespace ChatApp.Bench.LoadGen.Reporting;

/// <summary>The Markdown tables: one page per scenario, and the summary kept in bench/README.md.</summary>
public static class Markdown
{
    public static string Page(ScenarioReport report)
    {
        var chat = report.Targets.FirstOrDefault(t => t.Target == Setup.Target.ChatAppName);
        var baseline = report.Targets.FirstOrDefault(t => t.Target == Setup.Target.BaselineName);
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Benchmark: {report.Scenario}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Run {report.StartedUtc:yyyy-MM-dd HH:mm} UTC, {(report.FinishedUtc - report.StartedUtc).TotalSeconds:0} s. Made by `./bench.sh {report.Scenario}`.");
        md.AppendLine();
        foreach (var entry in report.Setup.Concat(report.Machine))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- **{entry.Key}**: {entry.Value}");
        }
        md.AppendLine();
        // A scenario the issue set no targets for (presence) has no such table.
        if (report.Goals.Count > 0)
        {
            md.AppendLine("## Targets of the issue");
            md.AppendLine();
            md.AppendLine("| target | ChatApp | baseline | met |");
            md.AppendLine("|---|---:|---:|:-:|");
            foreach (var goal in report.Goals)
            {
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {goal.Label} | {Number(goal.Actual)} | {Number(baseline?.Get(goal.Key))} | {Met(goal.Met)}{(goal.Note is null ? "" : $" ({goal.Note})")} |");
            }
            md.AppendLine();
        }
        md.AppendLine("## Figures");
        md.AppendLine();
        // A column per system, then ChatApp's ratio to each other one; a system that cannot do the scenario shows "—" and why.
        var systems = Systems(report);
        var others = systems.Where(n => n != Setup.Target.ChatAppName).ToList();
        md.AppendLine("| figure | " + string.Join(" | ", systems.Select(Setup.Target.Title)) + string.Concat(others.Select(o => $" | ChatApp / {Setup.Target.Title(o)}")) + " |");
        md.AppendLine("|---|" + string.Concat(systems.Concat(others).Select(_ => "---:|")));
        var keys = report.Targets.SelectMany(t => t.Figures).DistinctBy(f => f.Key);
        var first = true;
        foreach (var figure in keys)
        {
            var values = systems.Select(n => report.Targets.FirstOrDefault(t => t.Target == n)?.Get(figure.Key)).ToList();
            var c = chat?.Get(figure.Key);
            var cells = systems.Select((n, i) => first && report.NotRun.TryGetValue(n, out var why) ? $"— ({why})" : Number(values[i], figure.Unit));
            var ratios = others.Select(o => Ratio(c, report.Targets.FirstOrDefault(t => t.Target == o)?.Get(figure.Key)));
            md.AppendLine(CultureInfo.InvariantCulture, $"| {figure.Label} | {string.Join(" | ", cells)} | {string.Join(" | ", ratios)} |");
            first = false;
        }
        md.AppendLine();
        foreach (var target in report.Targets.Where(t => t.Sweep.Count > 0))
        {
            md.Append(SweepTable(target));
        }
        foreach (var section in report.Sections)
        {
            md.Append(section);
        }
        var cpuKeys = report.Targets.SelectMany(t => t.CpuPercent.Keys).Distinct().ToList();
        if (cpuKeys.Count > 0)
        {
            md.AppendLine("## CPU during the measured phase (% of one core; this machine has 2)");
            md.AppendLine();
            md.AppendLine("| process | " + string.Join(" | ", report.Targets.Select(t => t.Target)) + " run |");
            md.AppendLine("|---|" + string.Concat(report.Targets.Select(_ => "---:|")));
            foreach (var key in cpuKeys)
            {
                var cells = report.Targets.Select(t => t.CpuPercent.TryGetValue(key, out var v) ? v.ToString("0.#", CultureInfo.InvariantCulture) : "");
                md.AppendLine("| " + key + " | " + string.Join(" | ", cells) + " |");
            }
            md.AppendLine();
        }
        foreach (var target in report.Targets.Where(t => t.CpuPhases.Count > 0))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"## CPU of {target.Target} by phase (% of one core; this machine has 2)");
            md.AppendLine();
            md.AppendLine("| process | " + string.Join(" | ", target.CpuPhases.Keys) + " |");
            md.AppendLine("|---|" + string.Concat(target.CpuPhases.Keys.Select(_ => "---:|")));
            foreach (var key in target.CpuPhases.Values.SelectMany(p => p.Keys).Distinct())
            {
                var cells = target.CpuPhases.Values.Select(p => p.TryGetValue(key, out var v) ? v.ToString("0.#", CultureInfo.InvariantCulture) : "");
                md.AppendLine("| " + key + " | " + string.Join(" | ", cells) + " |");
            }
            md.AppendLine();
        }
        foreach (var target in report.Targets.Where(t => t.Notes.Count > 0 || t.Details.Count > 0))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"**{target.Target}**:");
            foreach (var (key, value) in target.Details)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {key}: {value}");
            }
            foreach (var note in target.Notes)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
            }
            md.AppendLine();
        }
        md.AppendLine(CultureInfo.InvariantCulture, $"![{report.PlotName}]({report.Scenario}.png)");
        if (report.Targets.Any(t => t.Sweep.Count > 0))
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"![rate sweep]({report.Scenario}-sweep.png)");
        }
        if (report.Targets.Any(t => t.PerSecond.Count > 0))
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"![latency over time]({report.Scenario}-timeline.png)");
        }
        return md.ToString();
    }

    /// <summary>The steps of a target's rate sweep; CPU is that of the step's measured seconds.</summary>
    private static string SweepTable(TargetRun run)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"## Rate sweep on {run.Target} (pass: p99 < 250 ms, nothing lost, duplicated, out of order, resynced or refused, offered rate sent)");
        md.AppendLine();
        md.AppendLine("| offered msg/s | sent msg/s | deliveries/s | p50 ms | p99 ms | max ms | lost | dup | out of order | resync | send errors | closed | server CPU % | load gen. CPU % | others % | result |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var s in run.Sweep)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {Number(s.OfferedRate)} | {Number(s.SendRate)} | {Number(s.DeliveryRate)} | {Number(s.P50)} | {Number(s.P99)} | {Number(s.Max)} | {s.Lost:N0} | {s.Duplicates:N0} | {s.OutOfOrder:N0} | {s.Resyncs:N0} | {s.SendErrors:N0} | {s.ClosedByServer:N0} | {Number(s.ServerCpu)} | {Number(s.LoadGenCpu)} | {Number(s.OthersCpu)} | {(s.Passed ? "pass" : "**fail**: " + s.Failure)} |");
        }
        md.AppendLine();
        return md.ToString();
    }

    /// <summary>The systems of the summary table, in its column order.</summary>
    public static readonly string[] SummarySystems = Setup.Target.Order;

    /// <summary>The systems a report has a column for: those that ran and those that could not, in report order.</summary>
    public static List<string> Systems(ScenarioReport report) =>
        [.. Setup.Target.Order.Where(n => report.Targets.Any(t => t.Target == n) || report.NotRun.ContainsKey(n))];

    /// <summary>The header of the summary table in bench/README.md: a column per system and ChatApp's ratio to each other one.</summary>
    public static IEnumerable<string> SummaryHeader()
    {
        var others = SummarySystems.Where(n => n != Setup.Target.ChatAppName).ToList();
        yield return "| scenario | figure | " + string.Join(" | ", SummarySystems.Select(Setup.Target.Title))
            + string.Concat(others.Select(o => $" | ChatApp / {Setup.Target.Title(o)}")) + " | target | met |";
        yield return "|---|---|" + string.Concat(SummarySystems.Concat(others).Select(_ => "---:|")) + "---|:-:|";
    }

    /// <summary>Rows of the summary table: each target of the issue plus the scenario's headline figures; a system that cannot run it shows "—" and why (in its first row).</summary>
    public static IEnumerable<string> SummaryRows(ScenarioReport report, IReadOnlyList<string> headline)
    {
        var chat = report.Targets.FirstOrDefault(t => t.Target == Setup.Target.ChatAppName);
        var keys = report.Goals.Select(g => g.Key).Concat(headline).Distinct().ToList();
        var others = SummarySystems.Where(n => n != Setup.Target.ChatAppName).ToList();
        var first = true;
        foreach (var key in keys)
        {
            var figure = report.Targets.Select(t => t.Figures.LastOrDefault(f => f.Key == key)).FirstOrDefault(f => f is not null);
            if (figure is null)
            {
                continue;
            }
            var goal = report.Goals.FirstOrDefault(g => g.Key == key);
            var c = chat?.Get(key);
            var cells = SummarySystems.Select(n => first && report.NotRun.TryGetValue(n, out var why)
                ? $"— ({why})"
                : Number(report.Targets.FirstOrDefault(t => t.Target == n)?.Get(key), figure.Unit));
            var ratios = others.Select(o => Ratio(c, report.Targets.FirstOrDefault(t => t.Target == o)?.Get(key)));
            var target = goal is null ? "" : goal.BaselineFraction is { } fraction
                ? $"{goal.Op} {Number(fraction)} × baseline ({Number(goal.Threshold)})"
                : $"{goal.Op} {Number(goal.Threshold)}";
            yield return $"| {report.Scenario} | {figure.Label} | {string.Join(" | ", cells)} | {string.Join(" | ", ratios)} | {target} | {(goal is null ? "" : Met(goal.Met) + (goal.Note is null ? "" : $" ({goal.Note})"))} |";
            first = false;
        }
    }

    public static string Number(double? value, string unit = "")
    {
        if (value is not { } v)
        {
            return "—";
        }
        var text = Math.Abs(v) >= 1000 ? v.ToString("N0", CultureInfo.InvariantCulture)
            : Math.Abs(v) >= 100 ? v.ToString("0", CultureInfo.InvariantCulture)
            : Math.Abs(v) >= 10 ? v.ToString("0.#", CultureInfo.InvariantCulture)
            : v.ToString("0.##", CultureInfo.InvariantCulture);
        return unit.Length == 0 ? text : $"{text} {unit}";
    }

    private static string Ratio(double? chat, double? baseline) =>
        chat is { } c && baseline is { } b && b != 0 ? "×" + (c / b).ToString(c / b >= 10 ? "0" : "0.00", CultureInfo.InvariantCulture) : "—";

    private static string Met(bool? met) => met switch { true => "yes", false => "**no**", null => "—" };
}
