using System.Collections.Concurrent;
using ChatApp.Bench.LoadGen.Measure;
using ChatApp.Bench.LoadGen.Protocol;

namespace ChatApp.Bench.LoadGen.Scenarios;

/// <summary>
/// Sends the benchmark's messages: number i goes to room i mod R from a random member that
/// joined it, without waiting for the reply (the open loop calls it at the set rate). Counts
/// what was sent, acknowledged, refused and still awaited.
/// </summary>
public sealed class FanoutSender(Fleet fleet, MessageLedger ledger, int[][] members, Func<int, string> roomOf)
{
    private long _inFlight;
    private long _acked;
    private long _sent;

    public ConcurrentDictionary<string, int> Errors { get; } = new(StringComparer.Ordinal);

    public long InFlight => Interlocked.Read(ref _inFlight);
    public long Acked => Interlocked.Read(ref _acked);
    public long Sent => Interlocked.Read(ref _sent);
    public long ErrorCount => Errors.Values.Sum();

    /// <summary>
    /// Sends message <paramref name="i"/>; its receipts go to <paramref name="receipts"/> and its
    /// reply to <paramref name="ack"/> and <paramref name="ackTimeline"/> (each null: not recorded).
    /// </summary>
    public void Send(long i, Latency? receipts, Latency? ack, Timeline? ackTimeline)
    {
        var inRoom = members[(int)(i % members.Length)];
        var id = ledger.Next();
        if (inRoom.Length == 0 || id < 0)
        {
            return;
        }
        var client = fleet[inRoom[Random.Shared.Next(inRoom.Length)]]!;
        ledger.Sending(id, receipts);
        Interlocked.Increment(ref _inFlight);
        Interlocked.Increment(ref _sent);
        _ = client.SendAsync(roomOf(client.Index), $"m{id}", MessageLedger.Text(id)).ContinueWith(t =>
        {
            var reply = t.Result;
            if (reply.Ok)
            {
                ledger.Acknowledged(id, inRoom.Length);
                Interlocked.Increment(ref _acked);
                ackTimeline?.Record(reply.SentAt, reply.ReceivedAt);
                ack?.Record(reply.SentAt, reply.ReceivedAt);
            }
            else
            {
                Errors.AddOrUpdate(reply.Code ?? "?", 1, (_, n) => n + 1);
            }
            Interlocked.Decrement(ref _inFlight);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
