using System.Text.Json.Serialization;
using ChatApp.Bench.LoadGen.Measure;

namespace ChatApp.Bench.LoadGen.Reporting;

/// <summary>One figure of a run: <c>Key</c> matches the same figure of the other target and of the goals.</summary>
public sealed record Figure(string Key, string Label, double Value, string Unit, bool HigherIsBetter);

/// <summary>
/// A target the issue set, checked against ChatApp's figure of the same key. With
/// <paramref name="OfBaseline"/> the threshold is that fraction of the baseline's figure (the
/// issue states some targets relative to what the machine can do), known only after both runs.
/// </summary>
public sealed record Goal(string Key, string Label, string Op, double Threshold, bool OfBaseline = false)
{
    /// <summary>The threshold to check against, or null when it is relative and the baseline did not run.</summary>
    public double? ThresholdFor(TargetRun? baseline) => OfBaseline ? baseline?.Get(Key) * Threshold : Threshold;

    public static bool? IsMet(string op, double? threshold, double? actual) => actual is not { } a || threshold is not { } t ? null : op switch
    {
        "<=" => a <= t,
        ">=" => a >= t,
        "==" => a == t,
        _ => null,
    };
}

/// <summary>A goal checked; <c>BaselineFraction</c> is set when the threshold is that fraction of the baseline's figure.</summary>
public sealed record GoalResult(string Label, string Key, string Op, double? Threshold, double? Actual, bool? Met, string? Note, double? BaselineFraction = null);

/// <summary>What one scenario measured on one target.</summary>
public sealed class TargetRun
{
    public required string Target { get; init; }
    public List<Figure> Figures { get; } = [];
    public List<LatencySummary> Latencies { get; } = [];
    public Dictionary<string, double> CpuPercent { get; set; } = [];

    /// <summary>For scenarios of several measured phases: CPU per process (% of one core) by phase, in order.</summary>
    public Dictionary<string, Dictionary<string, double>> CpuPhases { get; } = [];
    public Dictionary<string, string> Details { get; } = [];
    public List<string> Notes { get; } = [];

    /// <summary>The steps of a rate sweep, in order (fanout); empty when there was none.</summary>
    public List<SweepStep> Sweep { get; } = [];

    [JsonIgnore]
    public List<Latency> Histograms { get; } = [];

    [JsonIgnore]
    public List<Timeline> Timelines { get; } = [];

    /// <summary>Per second of the run: mean and max latency, by series name.</summary>
    public Dictionary<string, List<double[]>> PerSecond { get; } = [];

    public void Add(Timeline timeline)
    {
        Timelines.Add(timeline);
        PerSecond[timeline.Name] = [.. timeline.Points().Select(p => new[] { p.Second, Math.Round(p.MeanMs, 2), Math.Round(p.MaxMs, 2) })];
    }

    public void Add(string key, string label, double value, string unit, bool higherIsBetter = false) =>
        Figures.Add(new Figure(key, label, Math.Round(value, 3), unit, higherIsBetter));

    /// <summary>Adds a distribution: its summary, and p50/p90/p99/p99.9/max as figures.</summary>
    public void Add(Latency latency)
    {
        var s = latency.Summary();
        Latencies.Add(s);
        Histograms.Add(latency);
        Add($"{s.Name}.p50", $"{s.Label} p50", s.P50, "ms");
        Add($"{s.Name}.p90", $"{s.Label} p90", s.P90, "ms");
        Add($"{s.Name}.p99", $"{s.Label} p99", s.P99, "ms");
        Add($"{s.Name}.p999", $"{s.Label} p99.9", s.P999, "ms");
        Add($"{s.Name}.max", $"{s.Label} max", s.Max, "ms");
        Add($"{s.Name}.count", $"{s.Label} samples", s.Count, "");
    }

    public double? Get(string key) => Figures.LastOrDefault(f => f.Key == key)?.Value;
}

public sealed class ScenarioReport
{
    public required string Scenario { get; init; }
    public required DateTime StartedUtc { get; init; }
    public DateTime FinishedUtc { get; set; }
    public Dictionary<string, string> Machine { get; } = [];
    public Dictionary<string, string> Setup { get; } = [];
    public List<TargetRun> Targets { get; } = [];

    /// <summary>Systems given to the run that cannot do this scenario, with the reason.</summary>
    public Dictionary<string, string> NotRun { get; } = [];
    public List<GoalResult> Goals { get; } = [];

    /// <summary>Figures that go into bench/README.md besides the goals.</summary>
    public List<string> Headline { get; } = [];

    /// <summary>Markdown of the scenario's own, after the figures (e.g. scaling's table by size).</summary>
    public List<string> Sections { get; } = [];

    /// <summary>What &lt;scenario&gt;.png shows.</summary>
    public string PlotName { get; set; } = "latency percentiles";
}
