using ScottPlot;
using ChatApp.Bench.LoadGen.Measure;

namespace ChatApp.Bench.LoadGen.Reporting;

/// <summary>
/// The latency percentile plot of a scenario: x is the percentile on a "nines" scale (50%, 90%,
/// 99%, 99.9%…), y the latency in ms on a log scale; one line per distribution and target.
/// </summary>
public static class Plots
{
    public static void Write(string path, string title, IEnumerable<(string Target, Latency Latency)> series)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var i = 0;
        foreach (var (target, latency) in series)
        {
            var curve = latency.Curve();
            if (curve.Count == 0)
            {
                continue;
            }
            var xs = curve.Select(p => -Math.Log10(1 - p.Percentile / 100)).ToArray();
            var ys = curve.Select(p => Math.Log10(Math.Max(p.Ms, 0.01))).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = $"{target}: {latency.Label}";
            line.Color = palette.GetColor(i++);
            line.LineWidth = 2;
            line.MarkerSize = 3;
            if (target == Setup.Target.BaselineName)
            {
                line.LinePattern = LinePattern.Dashed;
            }
        }
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (var (x, label) in new[] { (0.0, "0%"), (0.301, "50%"), (1.0, "90%"), (2.0, "99%"), (3.0, "99.9%"), (4.0, "99.99%") })
        {
            ticks.AddMajor(x, label);
        }
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Left.TickGenerator = LogTicks();
        plot.Title(title);
        plot.XLabel("percentile");
        plot.YLabel("latency (ms, log scale)");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Axes.SetLimitsX(0, 4.2);
        plot.SavePng(path, 1000, 600);
    }

    /// <summary>Mean and max latency per second of the run, by the second each message was sent.</summary>
    public static void WriteTimeline(string path, string title, IEnumerable<(string Target, Timeline Timeline)> series)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var i = 0;
        foreach (var (target, timeline) in series)
        {
            var points = timeline.Points();
            if (points.Count == 0)
            {
                continue;
            }
            var color = palette.GetColor(i++);
            var xs = points.Select(p => (double)p.Second).ToArray();
            var max = plot.Add.Scatter(xs, points.Select(p => Math.Log10(Math.Max(p.MaxMs, 0.01))).ToArray());
            max.LegendText = $"{target}: {timeline.Label} max";
            max.Color = color;
            max.LinePattern = LinePattern.Dotted;
            max.MarkerSize = 0;
            var mean = plot.Add.Scatter(xs, points.Select(p => Math.Log10(Math.Max(p.MeanMs, 0.01))).ToArray());
            mean.LegendText = $"{target}: {timeline.Label} mean";
            mean.Color = color;
            mean.LineWidth = 2;
            mean.MarkerSize = 0;
            if (target == Setup.Target.BaselineName)
            {
                mean.LinePattern = LinePattern.Dashed;
            }
        }
        plot.Axes.Left.TickGenerator = LogTicks();
        plot.Title(title);
        plot.XLabel("second of the run (by send time; warm-up included)");
        plot.YLabel("latency (ms, log scale)");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 1000, 600);
    }

    /// <summary>Lines of (x, y) on log-log axes, e.g. a cost by size: a flat line is a constant cost. Dashed: the baseline's.</summary>
    public static void WriteLogLog(string path, string title, string xLabel, string yLabel, IEnumerable<(string Label, double[] Xs, double[] Ys, bool Dashed)> series)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var i = 0;
        foreach (var (label, xs, ys, dashed) in series)
        {
            if (xs.Length == 0)
            {
                continue;
            }
            var line = plot.Add.Scatter(xs.Select(Math.Log10).ToArray(), ys.Select(y => Math.Log10(Math.Max(y, 0.001))).ToArray());
            line.LegendText = label;
            line.Color = palette.GetColor(i++);
            line.LineWidth = 2;
            line.MarkerSize = 7;
            if (dashed)
            {
                line.LinePattern = LinePattern.Dashed;
            }
        }
        plot.Axes.Bottom.TickGenerator = LogTicks();
        plot.Axes.Left.TickGenerator = LogTicks();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        // Beside the plot: eight lines leave no corner of it free.
        plot.ShowLegend(Edge.Right);
        plot.SavePng(path, 1300, 600);
    }

    /// <summary>Ticks of an axis that holds log10 of the values, labelled with the values.</summary>
    private static ScottPlot.TickGenerators.NumericAutomatic LogTicks() => new()
    {
        LabelFormatter = y => Math.Pow(10, y).ToString(Math.Pow(10, y) < 1 ? "0.###" : "#,0.#", System.Globalization.CultureInfo.InvariantCulture),
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        IntegerTicksOnly = true,
    };

    /// <summary>A rate sweep: p99 send → receipt (log scale) by deliveries/s achieved, one line per target, and the limit.</summary>
    public static void WriteSweep(string path, string title, IEnumerable<(string Target, IReadOnlyList<SweepStep> Steps)> series, double limitMs)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var i = 0;
        foreach (var (target, steps) in series)
        {
            var line = plot.Add.Scatter(
                steps.Select(s => s.DeliveryRate).ToArray(),
                steps.Select(s => Math.Log10(Math.Max(s.P99, 0.01))).ToArray());
            line.LegendText = $"{target}: p99 per step";
            line.Color = palette.GetColor(i++);
            line.LineWidth = 2;
            line.MarkerSize = 7;
            if (target == Setup.Target.BaselineName)
            {
                line.LinePattern = LinePattern.Dashed;
            }
        }
        var limit = plot.Add.HorizontalLine(Math.Log10(limitMs));
        limit.LegendText = $"{limitMs:0} ms";
        limit.Color = Colors.Red;
        limit.LinePattern = LinePattern.Dotted;
        plot.Axes.Left.TickGenerator = LogTicks();
        plot.Title(title);
        plot.XLabel("deliveries/s read by the members' sockets");
        plot.YLabel("p99 send → receipt (ms, log scale)");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 1000, 600);
    }
}
