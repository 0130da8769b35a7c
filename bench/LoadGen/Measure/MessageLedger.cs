using System.Buffers.Text;
using System.Diagnostics;
using ChatApp.Bench.LoadGen.Protocol;

namespace ChatApp.Bench.LoadGen.Measure;

/// <summary>
/// Every benchmark message by number: when it was sent, how many sockets should get it, how
/// many did. The text starts <c>b:{number}:</c>, so a receipt finds its entry without a lookup,
/// and the end-to-end latency is the time from the send to each recipient reading it.
/// </summary>
public sealed class MessageLedger(int capacity, Latency endToEnd, Timeline? timeline = null) : IMessageSink
{
    private const string Filler = " lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor";
    private readonly long[] _sentAt = new long[capacity];
    private readonly int[] _expected = new int[capacity];
    private readonly int[] _received = new int[capacity];
    // Where each message's receipts are recorded: the measured phase's distribution, a sweep
    // step's, or none (warm-up).
    private readonly Latency?[] _into = new Latency?[capacity];
    private int _next = -1;
    private long _deliveries;
    private long _measuredDeliveries;
    private long _unknown;

    public int Capacity => capacity;
    public int Count => Math.Min(Volatile.Read(ref _next) + 1, capacity);
    public long Deliveries => Interlocked.Read(ref _deliveries);
    public long MeasuredDeliveries => Interlocked.Read(ref _measuredDeliveries);

    /// <summary>Message events whose text was not one of ours (or past the ledger's end).</summary>
    public long Unknown => Interlocked.Read(ref _unknown);

    /// <summary>Takes the next number, or -1 when the ledger is full.</summary>
    public int Next()
    {
        var id = Interlocked.Increment(ref _next);
        return id < capacity ? id : -1;
    }

    public static string Text(int id) => $"b:{id}:{Filler}";

    /// <summary>The number of one of the benchmark's messages from its text (<c>b:{number}:…</c>); false for any other text.</summary>
    public static bool TryParseId(ReadOnlySpan<byte> text, out int id)
    {
        id = -1;
        return text.Length >= 3 && text[0] == (byte)'b' && text[1] == (byte)':' && Utf8Parser.TryParse(text[2..], out id, out _);
    }

    /// <summary>Records the send just before it goes out; recipients are counted once the server acknowledges it.</summary>
    public void Sending(int id, bool measured) => Sending(id, measured ? endToEnd : null);

    /// <summary>As <see cref="Sending(int, bool)"/>, with the receipts recorded in <paramref name="into"/> (null: not measured).</summary>
    public void Sending(int id, Latency? into)
    {
        _into[id] = into;
        Volatile.Write(ref _sentAt[id], Stopwatch.GetTimestamp());
    }

    public void Acknowledged(int id, int recipients) => Volatile.Write(ref _expected[id], recipients);

    public void OnMessage(ChatClient client, string room, long seq, ReadOnlySpan<byte> text, long receivedAt)
    {
        if (!TryParseId(text, out var id) || (uint)id >= (uint)capacity)
        {
            Interlocked.Increment(ref _unknown);
            return;
        }
        Interlocked.Increment(ref _received[id]);
        Interlocked.Increment(ref _deliveries);
        timeline?.Record(Volatile.Read(ref _sentAt[id]), receivedAt);
        if (_into[id] is { } into)
        {
            if (into == endToEnd)
            {
                Interlocked.Increment(ref _measuredDeliveries);
            }
            into.Record(Volatile.Read(ref _sentAt[id]), receivedAt);
        }
    }

    /// <summary>Deliveries still owed to acknowledged messages.</summary>
    public long Outstanding() => Outstanding(0, Count);

    /// <summary>Deliveries still owed to acknowledged messages numbered from <paramref name="from"/> up to <paramref name="to"/> (excluded).</summary>
    public long Outstanding(int from, int to)
    {
        long owed = 0;
        for (var i = from; i < Math.Min(to, Count); i++)
        {
            owed += Math.Max(0, _expected[i] - Volatile.Read(ref _received[i]));
        }
        return owed;
    }

    /// <summary>(lost, extra): deliveries missing for acknowledged messages, and deliveries beyond the recipients.</summary>
    public (long Lost, long Extra, long Expected) Tally() => Tally(0, Count);

    /// <summary>As <see cref="Tally()"/>, for the messages numbered from <paramref name="from"/> up to <paramref name="to"/> (excluded).</summary>
    public (long Lost, long Extra, long Expected) Tally(int from, int to)
    {
        long lost = 0, extra = 0, expected = 0;
        for (var i = from; i < Math.Min(to, Count); i++)
        {
            var want = _expected[i];
            var got = Volatile.Read(ref _received[i]);
            expected += want;
            if (want == 0)
            {
                continue; // not acknowledged: no promise was made (counted as a send error)
            }
            lost += Math.Max(0, want - got);
            extra += Math.Max(0, got - want);
        }
        return (lost, extra, expected);
    }
}
