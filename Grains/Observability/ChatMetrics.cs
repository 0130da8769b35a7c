using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ChatApp.Observability;

/// <summary>
/// The silo's own instruments, on the meter <see cref="MeterName"/>; each silo exports them on its
/// admin port at /metrics (README, "Operating ChatApp").
/// </summary>
public sealed class ChatMetrics
{
    public const string MeterName = "ChatApp.Grains";

    /// <summary>Seconds, from half a millisecond to ten seconds: a LAN round trip to a slow disk.</summary>
    public static readonly IReadOnlyList<double> LatencyBuckets =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    // One meter for the process, never disposed: OpenTelemetry resets a stream whose meter is disposed
    // and made again under the same name, which several silo hosts in one process (tests) would do.
    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> MessagesSent = Meter.CreateCounter<long>(
        "chatapp.room.messages.sent", "{message}", "Messages committed to a room (over WebSocket or HTTP), retries of a stored message excluded");
    private static readonly Histogram<double> CommitDuration = Meter.CreateHistogram(
        "chatapp.room.commit.duration", "s", "Time a room grain waits for PostgreSQL to commit a sent message",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });

    public void MessageSent() => MessagesSent.Add(1);

    /// <summary>Records the time since <paramref name="startedAt"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void CommitTook(long startedAt) => CommitDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds);
}
