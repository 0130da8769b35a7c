using System.Collections.Concurrent;
using ChatApp.Bench.LoadGen.Protocol;

namespace ChatApp.Bench.LoadGen.Measure;

/// <summary>
/// Every receipt of a benchmark message as (number, moment read), for a process that does not
/// know when the messages were sent: a holder process of the bigroom scenario. The load generator
/// tells it the send times afterwards; Stopwatch timestamps are CLOCK_MONOTONIC on Linux, the same
/// clock in every process of the machine, so a receipt's latency is its moment less the send's.
/// </summary>
public sealed class ReceiptLog : IMessageSink
{
    private readonly ConcurrentQueue<(int Id, long At)> _receipts = new();
    private long _unknown;

    /// <summary>Message events whose text was not one of the benchmark's.</summary>
    public long Unknown => Interlocked.Read(ref _unknown);

    public void OnMessage(ChatClient client, string room, long seq, ReadOnlySpan<byte> text, long receivedAt)
    {
        if (MessageLedger.TryParseId(text, out var id) && id >= 0)
        {
            _receipts.Enqueue((id, receivedAt));
        }
        else
        {
            Interlocked.Increment(ref _unknown);
        }
    }

    /// <summary>
    /// Receipts per message number (of <paramref name="sentAt"/>'s length), each recorded in
    /// <paramref name="latency"/> against its send time (0: not sent, not recorded).
    /// </summary>
    public int[] Tally(IReadOnlyList<long> sentAt, Latency latency)
    {
        var counts = new int[sentAt.Count];
        foreach (var (id, at) in _receipts)
        {
            if (id < counts.Length)
            {
                counts[id]++;
                if (sentAt[id] != 0)
                {
                    latency.Record(sentAt[id], at);
                }
            }
        }
        return counts;
    }
}
