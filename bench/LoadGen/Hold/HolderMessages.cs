using ChatApp.Bench.LoadGen.Setup;

namespace ChatApp.Bench.LoadGen.Hold;

/// <summary>
/// A line from the load generator to a holder process: "connect" (its share of the users, whose
/// sockets are numbered from <c>FirstIndex</c>, so that they spread over the servers as one fleet
/// would), "ping" or "close".
/// </summary>
public sealed record HolderCommand(string Cmd, IReadOnlyList<string>? Servers = null, IReadOnlyList<BenchUser>? Users = null, int FirstIndex = 0, int Concurrency = 0);

/// <summary>
/// A line from a holder process: "progress" while connecting, then "connected", "pinged" or
/// "closed" with what it measured (latencies as HdrHistogram buckets of µs and count).
/// </summary>
public sealed record HolderEvent(
    string Event,
    long Done = 0,
    int Failed = 0,
    int Open = 0,
    long PingsOk = 0,
    IReadOnlyDictionary<string, int>? Failures = null,
    IReadOnlyList<long[]>? Latency = null);
