using System.Diagnostics.Metrics;

namespace ChatApp.Gateway.Observability;

/// <summary>
/// The gateway's own instruments, on the meter <see cref="MeterName"/>, exported at /metrics.
/// Counters become per-second rates in Prometheus (<c>rate(chatapp_gateway_frames_in_total[1m])</c>).
/// </summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "ChatApp.Gateway";

    /// <summary>Seconds, from half a millisecond to ten seconds.</summary>
    private static readonly IReadOnlyList<double> LatencyBuckets =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    // One meter for the process, never disposed. Meters from IMeterFactory belong to a host and die
    // with it, and OpenTelemetry resets a stream whose meter of the same name is disposed and made
    // again: with several hosts in one process (the tests) counters would jump back. Shared, they only grow.
    private static readonly Meter Meter = new(MeterName);
    // Observed, not added up from +1 and -1: a listener (one per host) sees only the changes made
    // after it started, so one started while sockets were open would count their closes and not
    // their opens, and fall short of the sockets open now, even below zero.
    private static long s_connections;
    private static readonly ObservableUpDownCounter<long> Connections = Meter.CreateObservableUpDownCounter(
        "chatapp.gateway.connections", () => Interlocked.Read(ref s_connections), "{connection}", "WebSockets open on this gateway");
    private static readonly Counter<long> FramesIn = Meter.CreateCounter<long>(
        "chatapp.gateway.frames.in", "{frame}", "Frames received from clients");
    private static readonly Counter<long> FramesOut = Meter.CreateCounter<long>(
        "chatapp.gateway.frames.out", "{frame}", "Frames sent to clients");
    private static readonly Counter<long> Delivered = Meter.CreateCounter<long>(
        "chatapp.gateway.messages.delivered", "{message}", "Message events written to sockets, live or replayed");
    private static readonly Histogram<double> FanOut = Meter.CreateHistogram(
        "chatapp.gateway.fanout.duration", "s", "From a room event's timestamp to its being queued on this gateway's sockets",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
    private static readonly Counter<long> Refusals = Meter.CreateCounter<long>(
        "chatapp.gateway.rate_limited", "{refusal}", "Requests refused by an abuse limit, by limit");
    private static readonly Counter<long> Resumes = Meter.CreateCounter<long>(
        "chatapp.gateway.resumes", "{hello}", "Hellos that resumed rooms from a seq");
    private static readonly Counter<long> Resyncs = Meter.CreateCounter<long>(
        "chatapp.gateway.resyncs", "{resync}", "Resync frames sent instead of a replay too long or impossible");
    private static readonly Counter<long> SlowConsumers = Meter.CreateCounter<long>(
        "chatapp.gateway.slow_consumer.disconnects", "{connection}", "Sockets closed with 1013 because their send queue overflowed");

    public void ConnectionOpened() => Interlocked.Increment(ref s_connections);

    public void ConnectionClosed() => Interlocked.Decrement(ref s_connections);

    public void FrameIn() => FramesIn.Add(1);

    public void FrameOut() => FramesOut.Add(1);

    public void MessageDelivered() => Delivered.Add(1);

    /// <summary>Records the time since a room event's timestamp; the silo's clock and ours are assumed in step.</summary>
    public void FannedOut(DateTime eventTs) => FanOut.Record(Math.Max(0, (DateTime.UtcNow - eventTs).TotalSeconds));

    /// <summary>A refusal by the named limit: messages, frames, logins, auth_calls or connections.</summary>
    public void RateLimited(string limit) => Refusals.Add(1, new KeyValuePair<string, object?>("limit", limit));

    public void Resumed() => Resumes.Add(1);

    public void Resynced() => Resyncs.Add(1);

    public void SlowConsumerDisconnected() => SlowConsumers.Add(1);
}
