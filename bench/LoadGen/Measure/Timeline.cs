using System.Diagnostics;

namespace ChatApp.Bench.LoadGen.Measure;

/// <summary>
/// Latency per second of the run (by the second the message was sent): mean and max. Shows
/// stalls that percentiles hide, such as a pause every lease renewal.
/// </summary>
public sealed class Timeline(string name, string label, int seconds)
{
    private readonly long[] _count = new long[seconds];
    private readonly long[] _sumMicros = new long[seconds];
    private readonly long[] _maxMicros = new long[seconds];
    private long _origin = Stopwatch.GetTimestamp();
    private volatile bool _stopped;

    public string Name { get; } = name;
    public string Label { get; } = label;

    public void Start() => _origin = Stopwatch.GetTimestamp();

    /// <summary>Records nothing more: a later phase of the run (a rate sweep) is not part of this timeline.</summary>
    public void Stop() => _stopped = true;

    public void Record(long startTimestamp, long endTimestamp)
    {
        var second = (int)Stopwatch.GetElapsedTime(_origin, startTimestamp).TotalSeconds;
        if (_stopped || (uint)second >= (uint)_count.Length)
        {
            return;
        }
        var micros = (long)Stopwatch.GetElapsedTime(startTimestamp, endTimestamp).TotalMicroseconds;
        Interlocked.Increment(ref _count[second]);
        Interlocked.Add(ref _sumMicros[second], micros);
        long seen;
        while (micros > (seen = Volatile.Read(ref _maxMicros[second])) && Interlocked.CompareExchange(ref _maxMicros[second], micros, seen) != seen)
        {
        }
    }

    /// <summary>(second, mean ms, max ms) of every second that had samples.</summary>
    public IReadOnlyList<(int Second, double MeanMs, double MaxMs)> Points() =>
        [.. Enumerable.Range(0, _count.Length).Where(s => _count[s] > 0)
            .Select(s => (s, _sumMicros[s] / 1000.0 / _count[s], _maxMicros[s] / 1000.0))];
}
