using System.Collections.Concurrent;
using ChatApp.Bench.LoadGen.Measure;
using ChatApp.Bench.LoadGen.Setup;

namespace ChatApp.Bench.LoadGen.Protocol;

/// <summary>
/// Many clients of one target (of whatever protocol, <see cref="ProtocolClients"/>): opened and authenticated with bounded concurrency, joined to
/// rooms, and closed together. Failures are counted by reason, never thrown, so that a run
/// reports how far it got.
/// </summary>
public sealed class Fleet(Target target, SourceAddresses sources, IMessageSink sink) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private ChatClient?[] _clients = [];
    private bool[] _joined = [];
    private long _done;
    private long _retries;
    private long _notTried;

    public IReadOnlyList<ChatClient> Clients => [.. _clients.Where(c => c is not null).Select(c => c!)];

    public ChatClient? this[int index] => _clients[index];

    public long Done => Interlocked.Read(ref _done);

    /// <summary>Joins tried again after an unavailable or rate_limited answer.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Whether the client at this index joined its room.</summary>
    public bool Joined(int index) => _joined[index];

    public IReadOnlyDictionary<string, int> Failures => _failures;

    public int FailureCount => _failures.Values.Sum();

    /// <summary>Connects and says hello for every user; the latency is from the connect to the hello reply.</summary>
    public async Task<double> ConnectAsync(IReadOnlyList<BenchUser> users, int concurrency, Latency latency, CancellationToken cancellationToken)
    {
        _clients = new ChatClient?[users.Count];
        _done = 0;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(Enumerable.Range(0, users.Count),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var begin = System.Diagnostics.Stopwatch.GetTimestamp();
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    timeout.CancelAfter(TimeSpan.FromSeconds(30));
                    var (client, hello) = await ProtocolClients.OpenAsync(target, i, users[i], sink, sources.Next(), timeout.Token);
                    if (client is not null)
                    {
                        latency.Record(begin, hello.ReceivedAt);
                        _clients[i] = client;
                    }
                    else
                    {
                        Fail("hello " + hello.Code);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    Fail("connect " + ex.GetType().Name + ": " + ex.Message.Split('\n')[0]);
                }
                Interlocked.Increment(ref _done);
            });
        var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        return (users.Count - FailureCount) / seconds;
    }

    /// <summary>
    /// Each client (of <paramref name="indices"/>, else all) joins the room chosen for it; returns
    /// joins per second. With <paramref name="issueFor"/>, no join starts after that time (those in
    /// flight finish), so that a room whose joins slow down as it grows bounds the run; the clients
    /// left out count in <see cref="NotTried"/>, not as failures.
    /// </summary>
    public async Task<double> JoinAsync(Func<int, string> roomOf, int concurrency, Latency latency, CancellationToken cancellationToken,
        IEnumerable<int>? indices = null, TimeSpan? issueFor = null)
    {
        _done = 0;
        _notTried = 0;
        _joined = new bool[_clients.Length];
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var chosen = indices is null ? _clients.Where(c => c is not null) : indices.Select(i => _clients[i]).Where(c => c is not null);
        await Parallel.ForEachAsync(chosen.Select(c => c!),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (client, ct) =>
            {
                if (issueFor is { } limit && System.Diagnostics.Stopwatch.GetElapsedTime(started) > limit)
                {
                    Interlocked.Increment(ref _notTried);
                    return;
                }
                var reply = await client.JoinAsync(roomOf(client.Index)).WaitAsync(TimeSpan.FromSeconds(60), ct);
                // A client would retry a join the server could not finish in time; so does the bench (and counts it).
                for (var attempt = 1; !reply.Ok && reply.Code is "unavailable" or "rate_limited" && attempt < 4; attempt++)
                {
                    Interlocked.Increment(ref _retries);
                    await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt), ct);
                    reply = await client.JoinAsync(roomOf(client.Index)).WaitAsync(TimeSpan.FromSeconds(60), ct);
                }
                if (reply.Ok)
                {
                    latency.Record(reply.SentAt, reply.ReceivedAt);
                    _joined[client.Index] = true;
                }
                else
                {
                    Fail("join " + reply.Code + ": " + reply.Message);
                }
                Interlocked.Increment(ref _done);
            });
        return _done / System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>Clients of the last <see cref="JoinAsync"/> that did not try, its time being up.</summary>
    public long NotTried => Interlocked.Read(ref _notTried);

    /// <summary>Clients that joined in the last <see cref="JoinAsync"/>.</summary>
    public int JoinedCount => _joined.Count(j => j);

    /// <summary>
    /// Puts another client in a slot (a reconnect), or empties it (null: the socket was closed on
    /// purpose). Whatever is in the slots at the end is closed with the fleet.
    /// </summary>
    public void Replace(int index, ChatClient? client) => _clients[index] = client;

    public void Fail(string reason) => _failures.AddOrUpdate(reason, 1, (_, n) => n + 1);

    public long Sum(Func<ChatClient, long> counter) => Clients.Sum(counter);

    /// <summary>Close codes of sockets the server closed, e.g. "1013: 3".</summary>
    public string ClosedByServer()
    {
        var closed = Clients.Where(c => !c.IsOpen).GroupBy(c => c.CloseStatus?.ToString() ?? "aborted").Select(g => $"{g.Key}: {g.Count()}");
        return string.Join(", ", closed);
    }

    public int OpenCount => Clients.Count(c => c.IsOpen);

    /// <summary>Pings every client (256 at a time, each within 30 s); returns how many answered.</summary>
    public async Task<long> PingAllAsync(Latency latency, CancellationToken cancellationToken)
    {
        long ok = 0;
        await Parallel.ForEachAsync(Clients, new ParallelOptions { MaxDegreeOfParallelism = 256, CancellationToken = cancellationToken },
            async (client, ct) =>
            {
                var reply = await client.PingAsync().WaitAsync(TimeSpan.FromSeconds(30), ct);
                if (reply.Ok)
                {
                    Interlocked.Increment(ref ok);
                    latency.Record(reply.SentAt, reply.ReceivedAt);
                }
            });
        return ok;
    }

    public async ValueTask DisposeAsync()
    {
        await Parallel.ForEachAsync(Clients, new ParallelOptions { MaxDegreeOfParallelism = 500 },
            async (client, _) => await client.CloseAsync(TimeSpan.FromSeconds(5)));
        _clients = [];
    }
}
