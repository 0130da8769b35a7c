using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ChatApp.Errors;
using ChatApp.Gateway.Accounts;
using ChatApp.Users;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Placement;

namespace ChatApp.Gateway.Sockets;

/// <summary>
/// Warms the gateway, and the silos behind it, up before it says it is ready: a storm that meets
/// a process which has served nothing costs twice what the next storm does (the runtime compiling
/// the hot paths at its optimized tier, pools and caches filling; bench/README.md, "A gateway that
/// is warm before it is ready"), and after a deploy every user reconnects at once. So a few
/// accounts of its own (<see cref="SystemAccounts"/>) go through the path a reconnecting member
/// takes, over real sockets to its own /ws: hello, join a room others are in, ping, typing,
/// history, a second device's hello with a resume, leave. Nothing is sent that would stay
/// visible: the rooms are removed when their last warm-up member leaves (no message was sent in
/// them), and only their join and leave events remain in the log.
/// </summary>
public sealed partial class SocketWarmup(
    IServer server,
    IHostApplicationLifetime lifetime,
    IClusterClient cluster,
    SystemAccounts accounts,
    IOptions<WarmupOptions> options,
    ILogger<SocketWarmup> logger) : BackgroundService
{
    public const string RoomPrefix = SystemAccounts.Prefix;

    /// <summary>Rooms the warm-up may make beyond its own count, per silo, until every silo has one.</summary>
    public const int MoreRoomsPerSilo = 8;

    private readonly WarmupOptions _options = options.Value;
    private readonly TaskCompletionSource<WarmupResult> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>What the warm-up did, once it is over (run, failed, timed out or turned off).</summary>
    public Task<WarmupResult> Done => _done.Task;

    /// <summary>
    /// What the warm-up's sockets carry in <see cref="KeyHeader"/>, made anew by each process and
    /// never shown: a socket that presents it is this gateway's own (<see cref="IsOwn"/>).
    /// </summary>
    private string Key { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public const string KeyHeader = "X-ChatApp-Warmup";

    /// <summary>Whether an upgrade request is one of this gateway's warm-up sockets.</summary>
    public bool IsOwn(HttpRequest request) =>
        request.Headers[KeyHeader] is [{ } presented]
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(presented), Encoding.ASCII.GetBytes(Key));

    /// <summary>The id of the <paramref name="index"/>th warm-up room.</summary>
    public static string RoomName(int index) => RoomPrefix + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var result = new WarmupResult();
        var clock = Stopwatch.StartNew();
        try
        {
            if (_options.Users > 0)
            {
                await StartedAsync(stoppingToken);
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                deadline.CancelAfter(_options.Timeout);
                await RunAsync(SocketUri(), result, deadline.Token);
                LogWarm(logger, result.Hellos, result.Joins, result.Users, result.Rooms, result.RoomSilos, clock.ElapsedMilliseconds, result.Refused);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping before it was done: nobody waits for readiness any more.
        }
        catch (Exception ex)
        {
            // A warm-up that fails (the cluster still starting, a squatted room) leaves the gateway
            // as cold as it would have been, never unready: readiness waits for the warm-up to be over.
            result.Failure = ex.Message;
            LogFailed(logger, ex, clock.ElapsedMilliseconds);
        }
        finally
        {
            _done.TrySetResult(result);
        }
    }

    /// <summary>Kestrel listens only once the host has started, after the hosted services.</summary>
    private async Task StartedAsync(CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(cancellationToken);
    }

    private async Task RunAsync(Uri uri, WarmupResult result, CancellationToken cancellationToken)
    {
        var silos = await ClusterReachableAsync(cancellationToken);
        var visitors = Math.Min(_options.Visitors, _options.Users / 2);
        var rooms = visitors == 0 ? 0 : Math.Max(1, visitors / _options.RoomSize);
        // A silo that got no room would run its first room's code in the first storm, all of it
        // compiled there and then (fanout's joins found a silo compiling the whole join path so). So
        // each room is asked to start on a silo that has none yet; the ask is only a hint, which a
        // silo that does not yet count the other as compatible passes over, and Orleans' own choice
        // favours the silos whose load it has heard of (a silo that joined within a second or so has
        // none: most likely why a CI run's warm-up found no room on the second of two silos). More rooms are
        // made until every silo has one.
        var mostRooms = rooms == 0 ? 0 : rooms + MoreRoomsPerSilo * silos.Count;
        var perRound = _options.Users - rooms;
        // Each round comes with accounts of its own: a returning account's session is still active,
        // and making sessions (placement, the grain directory, their rows read) is the most of what
        // a silo does for a fresh hello. With the same accounts every round, that path ran once, all
        // at once, before the runtime counted any call, and was compiled in the first real storm.
        var users = await accounts.WarmupUsers(mostRooms + perRound * _options.Rounds);
        // Fewer when someone registered a kept name before it was kept; later rounds then reuse accounts.
        var comers = users.Count - mostRooms;
        // Each room keeps one member through the rounds, so that it is not made again at every
        // round and every join is told to members already in; they leave last, and the rooms go.
        var keepers = new List<WarmupSocket>(rooms);
        var homes = new HashSet<SiloAddress>();
        try
        {
            for (var k = 0; k < Math.Min(mostRooms, users.Count) && (k < rooms || !homes.IsSupersetOf(silos)); k++)
            {
                if (silos.FirstOrDefault(silo => !homes.Contains(silo)) is { } roomless)
                {
                    await ActivateOnAsync(RoomName(k), roomless, users[k].Name, cancellationToken);
                }
                var keeper = await WarmupSocket.ConnectAsync(uri, Key, cancellationToken);
                keepers.Add(keeper);
                await HelloAsync(keeper, users[k].Token, resume: null, result, cancellationToken);
                await KeeperJoinAsync(keeper, RoomName(k), result, cancellationToken);
                if (await HomeOfAsync(RoomName(k), cancellationToken) is { } home)
                {
                    homes.Add(home);
                }
            }
            result.Rooms = keepers.Count;
            result.RoomSilos = homes.Count(silos.Contains);
            result.Users = keepers.Count + Math.Clamp(comers, 0, perRound * _options.Rounds);
            for (var round = 0; round < _options.Rounds && comers > 0; round++)
            {
                if (round > 0)
                {
                    await Task.Delay(_options.Pause, cancellationToken);
                }
                var first = round * perRound;
                await Parallel.ForEachAsync(Enumerable.Range(0, Math.Min(perRound, comers)),
                    new ParallelOptions { MaxDegreeOfParallelism = perRound, CancellationToken = cancellationToken },
                    async (j, ct) =>
                    {
                        var i = mostRooms + (first + j) % comers;
                        if (j < visitors)
                        {
                            try
                            {
                                await VisitAsync(uri, users[i].Token, RoomName(j % keepers.Count), result, ct);
                            }
                            catch (WarmupRefusedException)
                            {
                                // Gateways that start together share the accounts: another's visit of
                                // the same account may have left the room under this one's feet.
                                Interlocked.Increment(ref result.Refused);
                            }
                        }
                        else
                        {
                            await using var socket = await WarmupSocket.ConnectAsync(uri, Key, ct);
                            await HelloAsync(socket, users[i].Token, resume: null, result, ct);
                            await socket.AskAsync("ping", Fields(), ct);
                        }
                    });
            }
            foreach (var (keeper, k) in keepers.Select((s, k) => (s, k)))
            {
                try
                {
                    await keeper.AskAsync("leave", Fields(("room", RoomName(k))), cancellationToken);
                }
                catch (WarmupRefusedException)
                {
                    // The same account kept the room through another gateway that started with this
                    // one, and left it first.
                    Interlocked.Increment(ref result.Refused);
                }
            }
        }
        finally
        {
            foreach (var keeper in keepers)
            {
                await keeper.DisposeAsync();
            }
        }
    }

    /// <summary>One member's visit: what a page does when it comes back to a room, and a second device.</summary>
    private async Task VisitAsync(Uri uri, string token, string room, WarmupResult result, CancellationToken cancellationToken)
    {
        await using var socket = await WarmupSocket.ConnectAsync(uri, Key, cancellationToken);
        await HelloAsync(socket, token, resume: null, result, cancellationToken);
        var lastSeq = await JoinAsync(socket, room, result, cancellationToken);
        await socket.AskAsync("ping", Fields(), cancellationToken);
        await socket.AskAsync("typing", Fields(("room", room)), cancellationToken);
        await socket.AskAsync("history", Fields(("room", room), ("before", lastSeq + 1), ("limit", 50)), cancellationToken);
        await using (var second = await WarmupSocket.ConnectAsync(uri, Key, cancellationToken))
        {
            await HelloAsync(second, token, resume: new Dictionary<string, long> { [room] = Math.Max(0, lastSeq - 1) }, result, cancellationToken);
        }
        await socket.AskAsync("leave", Fields(("room", room)), cancellationToken);
    }

    private static async Task HelloAsync(WarmupSocket socket, string token, Dictionary<string, long>? resume, WarmupResult result, CancellationToken cancellationToken)
    {
        await socket.AskAsync("hello", resume is null ? Fields(("token", token)) : Fields(("token", token), ("resume", resume)), cancellationToken);
        Interlocked.Increment(ref result.Hellos);
    }

    private static async Task<long> JoinAsync(WarmupSocket socket, string room, WarmupResult result, CancellationToken cancellationToken)
    {
        var joined = await socket.AskAsync("join", Fields(("room", room)), cancellationToken);
        Interlocked.Increment(ref result.Joins);
        return joined.GetProperty("lastSeq").GetInt64();
    }

    /// <summary>
    /// A keeper's join, asked again while the cluster answers unavailable: right after a silo joins
    /// (its code cold, the grain directory handing partitions over) a first join on a busy machine
    /// outlasted the gateway's 5 s wait for the cluster in a CI run. A cold start is what the
    /// warm-up is for. A join that went through late finds the keeper a member the next time,
    /// which is answered as a join.
    /// </summary>
    private static async Task KeeperJoinAsync(WarmupSocket socket, string room, WarmupResult result, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await JoinAsync(socket, room, result, cancellationToken);
                return;
            }
            catch (WarmupRefusedException ex) when (ex.Code == ErrorCodes.Unavailable && attempt < KeeperJoinAttempts)
            {
                // Once more: the call may still be running in the room, or the room still starting.
            }
        }
    }

    /// <summary>How many times a keeper asks to join before the warm-up gives up.</summary>
    private const int KeeperJoinAttempts = 3;

    private static Dictionary<string, object?> Fields(params (string Name, object? Value)[] fields) =>
        fields.ToDictionary(f => f.Name, f => f.Value, StringComparer.Ordinal);

    /// <summary>Waits for a silo to answer (a gateway may start before the cluster it serves); the active silos.</summary>
    private async Task<IReadOnlySet<SiloAddress>> ClusterReachableAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                var hosts = await cluster.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(3), cancellationToken);
                if (hosts.Count > 0)
                {
                    return hosts.Keys.ToHashSet();
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Not yet: the client reconnects on its own.
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }

    /// <summary>
    /// Activates a room on the given silo, by a call that changes nothing (whether the keeper is a
    /// member) carrying Orleans' placement hint; the join that follows then finds it there.
    /// </summary>
    private async Task ActivateOnAsync(string room, SiloAddress silo, UserName keeper, CancellationToken cancellationToken)
    {
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
        try
        {
            await cluster.GetGrain<Rooms.IRoomGrain>(room).IsMember(keeper).WaitAsync(cancellationToken);
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }

    /// <summary>The silo a room was activated on, as the grain directory has it; null when it cannot say.</summary>
    private async Task<SiloAddress?> HomeOfAsync(string room, CancellationToken cancellationToken)
    {
        try
        {
            return await cluster.GetGrain<IManagementGrain>(0).GetActivationAddress(cluster.GetGrain<Rooms.IRoomGrain>(room))
                .AsTask().WaitAsync(TimeSpan.FromSeconds(3), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return null; // one room fewer counted: another is made while rooms remain
        }
    }

    /// <summary>Where this gateway's /ws listens, as seen from the gateway itself.</summary>
    private Uri SocketUri()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The gateway listens on no address.");
        var listening = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (listening.Host is "0.0.0.0" or "[::]" or "::")
        {
            listening.Host = "localhost";
        }
        listening.Scheme = listening.Scheme == Uri.UriSchemeHttps ? "wss" : "ws";
        listening.Path = "/ws";
        return listening.Uri;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Warmed up through /ws: {Hellos} hellos and {Joins} joins of {Users} warm-up accounts in {Rooms} rooms on {RoomSilos} silos in {Milliseconds} ms ({Refused} visits cut short by a refusal)")]
    private static partial void LogWarm(ILogger logger, int hellos, int joins, int users, int rooms, int roomSilos, long milliseconds, int refused);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The warm-up through /ws failed after {Milliseconds} ms; the gateway is ready, not warm")]
    private static partial void LogFailed(ILogger logger, Exception ex, long milliseconds);
}

/// <summary>What a warm-up did: counted as its answers came.</summary>
public sealed class WarmupResult
{
    /// <summary>Accounts that came: the rooms' keepers and each round's others.</summary>
    public int Users;
    public int Hellos;
    public int Joins;

    /// <summary>Rooms made, and the active silos they landed on.</summary>
    public int Rooms;
    public int RoomSilos;

    /// <summary>Visits and keepers' leaves refused: the room left by the same account through another gateway.</summary>
    public int Refused;

    /// <summary>Why it stopped short, if it did.</summary>
    public string? Failure { get; set; }
}
