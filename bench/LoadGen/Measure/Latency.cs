using System.Diagnostics;
using HdrHistogram;

namespace ChatApp.Bench.LoadGen.Measure;

/// <summary>A latency distribution in microseconds (HdrHistogram, 3 significant digits), safe to record from any thread.</summary>
public sealed class Latency(string name, string label)
{
    private const long Highest = 120_000_000; // two minutes, in µs
    private readonly LongHistogram _histogram = new(Highest, 3);
    private readonly Lock _gate = new();

    public string Name { get; } = name;
    public string Label { get; } = label;

    public long Count
    {
        get { lock (_gate) { return _histogram.TotalCount; } }
    }

    public void Record(long startTimestamp, long endTimestamp) =>
        RecordMicroseconds((long)Stopwatch.GetElapsedTime(startTimestamp, endTimestamp).TotalMicroseconds);

    public void RecordMicroseconds(long micros)
    {
        lock (_gate)
        {
            _histogram.RecordValue(Math.Clamp(micros, 0, Highest));
        }
    }

    /// <summary>The recorded values as (µs, count): how a holder process hands its distribution to the load generator.</summary>
    public IReadOnlyList<long[]> Buckets()
    {
        lock (_gate)
        {
            return [.. _histogram.RecordedValues().Select(v => new[] { v.ValueIteratedTo, v.CountAtValueIteratedTo })];
        }
    }

    /// <summary>Adds another process's <see cref="Buckets"/>.</summary>
    public void Add(IEnumerable<long[]> buckets)
    {
        lock (_gate)
        {
            foreach (var bucket in buckets)
            {
                _histogram.RecordValueWithCount(Math.Clamp(bucket[0], 0, Highest), bucket[1]);
            }
        }
    }

    public LatencySummary Summary()
    {
        lock (_gate)
        {
            if (_histogram.TotalCount == 0)
            {
                return new LatencySummary(Name, Label, 0, 0, 0, 0, 0, 0, 0, 0);
            }
            return new LatencySummary(Name, Label, _histogram.TotalCount,
                Ms(_histogram.GetValueAtPercentile(50)), Ms(_histogram.GetValueAtPercentile(90)),
                Ms(_histogram.GetValueAtPercentile(99)), Ms(_histogram.GetValueAtPercentile(99.9)),
                Ms(_histogram.GetMaxValue()), Math.Round(_histogram.GetMean() / 1000, 3),
                Ms(_histogram.GetValueAtPercentile(0)));
        }
    }

    /// <summary>Points of the percentile curve for the plot: (percentile, ms).</summary>
    public IReadOnlyList<(double Percentile, double Ms)> Curve()
    {
        double[] percentiles = [0, 10, 20, 30, 40, 50, 55, 60, 65, 70, 75, 80, 85, 90, 92.5, 95, 96.25, 97.5, 98.125, 98.75, 99, 99.375, 99.5, 99.6875, 99.75, 99.84375, 99.9, 99.95, 99.97, 99.99];
        lock (_gate)
        {
            if (_histogram.TotalCount == 0)
            {
                return [];
            }
            return [.. percentiles.Select(p => (p, Ms(_histogram.GetValueAtPercentile(p))))];
        }
    }

    private static double Ms(long micros) => Math.Round(micros / 1000.0, 3);
}

/// <summary>What a latency distribution comes to, in milliseconds.</summary>
public sealed record LatencySummary(
    string Name, string Label, long Count, double P50, double P90, double P99, double P999, double Max, double Mean, double Min);
