using ChatApp.Bench.LoadGen.Setup;

namespace ChatApp.Bench.LoadGen.Hold;

/// <summary>
/// A line from the load generator to a holder process: "connect" (its share of the users, whose
/// sockets are numbered from <c>FirstIndex</c>, so that they spread over the servers as one fleet
/// would), "join" (every socket joins <c>Room</c>; none starts after <c>Seconds</c>), "tally"
/// (the receipts of the benchmark's messages, given their send times <c>SentAt</c>), "ping" or "close".
/// </summary>
public sealed record HolderCommand(
    string Cmd,
    IReadOnlyList<string>? Servers = null,
    IReadOnlyList<BenchUser>? Users = null,
    int FirstIndex = 0,
    int Concurrency = 0,
    string? Room = null,
    double Seconds = 0,
    IReadOnlyList<long>? SentAt = null,
    Protocol.ClientProtocol Protocol = Protocol.ClientProtocol.ChatApp);

/// <summary>
/// A line from a holder process: "progress" while connecting, then "connected", "pinged" or
/// "closed", "joined" or "tallied" with what it measured (latencies as HdrHistogram buckets of µs
/// and count; for "tallied", <c>Received</c> counts the receipts of each message number and the
/// order counters are those of the protocol's check, summed over the holder's sockets).
/// </summary>
public sealed record HolderEvent(
    string Event,
    long Done = 0,
    int Failed = 0,
    int Open = 0,
    long PingsOk = 0,
    IReadOnlyDictionary<string, int>? Failures = null,
    IReadOnlyList<long[]>? Latency = null,
    int Joined = 0,
    long NotTried = 0,
    IReadOnlyList<int>? Received = null,
    long Duplicates = 0,
    long OutOfOrder = 0,
    long Resyncs = 0,
    long Events = 0);
