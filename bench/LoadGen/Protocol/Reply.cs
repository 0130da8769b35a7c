using System.Diagnostics;

namespace ChatApp.Bench.LoadGen.Protocol;

/// <summary>
/// The answer to a frame that carried a ref. <see cref="Value"/> is the one number the load
/// generator needs from the reply's data: <c>seq</c> of a send, <c>lastSeq</c> of a join.
/// </summary>
public readonly record struct Reply(bool Ok, string? Code, string? Message, long Value, long SentAt, long ReceivedAt)
{
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(SentAt, ReceivedAt);

    public static Reply Failed(string code, string message, long sentAt) =>
        new(false, code, message, 0, sentAt, Stopwatch.GetTimestamp());
}
