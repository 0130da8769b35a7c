using ChatApp.Gateway.Observability;
using ChatApp.Gateways;
using ChatApp.Rooms;
using ChatApp.Users;
using Microsoft.Extensions.Options;

namespace ChatApp.Gateway.Cluster;

/// <summary>
/// This gateway's one observer in the cluster. What its sockets follow goes out through it (the
/// user's session holds it while the user has sockets here, a room's relay while the room has local
/// followers), and what the cluster tells the gateway comes back to it: a room event arrives here
/// once, is serialized once, and is queued on each local socket following the room; a membership
/// change arrives once per user and moves all their sockets. Following and unfollowing are here;
/// the callbacks in ConnectionHub.Observer.cs; lease renewal in ConnectionHub.Leases.cs, beside
/// <see cref="LeaseRenewal"/>, which times it. The sockets themselves are indexed by
/// <see cref="SocketIndex"/>, joins in progress by <see cref="JoinGuard"/>.
/// </summary>
public sealed partial class ConnectionHub : IChatObserver
{
    private readonly IClusterClient _cluster;
    private readonly SocketIndex _sockets;
    private readonly JoinGuard _joins;
    private readonly FanOutOptions _options;
    private readonly ILogger<ConnectionHub> _logger;
    private readonly GatewayMetrics _metrics;
    private readonly Lazy<IChatObserver> _self;

    public ConnectionHub(IClusterClient cluster, SocketIndex sockets, JoinGuard joins, IOptions<FanOutOptions> options, GatewayMetrics metrics, ILogger<ConnectionHub> logger)
    {
        _metrics = metrics;
        _cluster = cluster;
        _sockets = sockets;
        _joins = joins;
        _options = options.Value;
        _logger = logger;
        // The reference Orleans routes observer calls through; made on first use, when the client is connected.
        _self = new(() => _cluster.CreateObjectReference<IChatObserver>(this));
    }

    /// <summary>This gateway's observer as the cluster knows it: what relays and sessions hold leases for.</summary>
    public IChatObserver Observer => _self.Value;

    /// <summary>Adds an authenticated socket and returns its user's rooms, holding the user's session lease.</summary>
    public async Task<IReadOnlyList<string>> AddAsync(ChatConnection connection)
    {
        _sockets.Add(connection);
        // The session refuses a revoked token, or a device signed out, here: it knows both.
        var session = Session(connection.User);
        return connection.Device is { } device
            ? await session.Attach(_self.Value, _options.LeaseDuration, connection.TokenVersion, device)
            : await session.Attach(_self.Value, _options.LeaseDuration, connection.TokenVersion);
    }

    public void Remove(ChatConnection connection)
    {
        var (lastOfUser, emptiedRooms) = _sockets.Remove(connection, ForgetRoom);
        if (lastOfUser)
        {
            ForgetUser(connection.User);
            _ = Quietly(Session(connection.User).Detach(_self.Value), "detach");
        }
        foreach (var room in emptiedRooms)
        {
            _ = Quietly(Relay(room).Unwatch(_self.Value), "unwatch");
        }
    }

    /// <summary>
    /// Makes a socket follow a room from a seq (null: from now); the first local follower makes the
    /// gateway watch it. A socket that joins a room this gateway already relays, from a seq no event
    /// passed on here has gone past, reads nothing from the log: every later event reaches it live,
    /// like the other followers (a join used to cost a log read per socket for nothing). Where nothing
    /// was passed on yet, the relay's answer to the watch says how far it had got; sockets that come
    /// while that answer is out wait for it (a storm of hellos into a quiet room), instead of each
    /// reading the log.
    /// </summary>
    public async Task FollowAsync(ChatConnection connection, string room, long? afterSeq)
    {
        connection.MarkFollowed(room, NextFollowStamp());
        var first = false;
        var undecided = false;
        var sequencer = _sequencers.GetOrAdd(room, NewSequencer);
        // Between two releases of the room's events, so that "released so far" and "follows from now" agree.
        sequencer.Admit(released =>
        {
            first = _sockets.Follow(connection, room);
            undecided = !first && released < 0 && !sequencer.Watched.IsCompleted;
            if (!first && !undecided)
            {
                PlaceFollower(connection, room, afterSeq, sequencer, released);
            }
        });
        if (undecided)
        {
            // Bounded: a sequencer left without a first follower (replaced as the room emptied) is never answered.
            await Task.WhenAny(sequencer.Watched, Task.Delay(WatchAnswerWait));
            // An event released meanwhile reached the socket before its place and was dropped; the place
            // given now sees it (released past afterSeq) and reads the log.
            sequencer.Admit(released => PlaceFollower(connection, room, afterSeq, sequencer, released));
        }
        else if (first)
        {
            WatchAnswer? watch = null;
            try
            {
                watch = await Relay(room).Watch(_self.Value, _options.LeaseDuration);
            }
            finally
            {
                sequencer.WatchAnswered(watch?.LastRelayed);
                // Queued after the watch is in place: its catch-up from the log covers anything published
                // before. Queued even if the watch failed (a silo dying): the socket follows the room
                // now, and without its place in the room it would drop every event of it for good. The
                // next lease renewal watches the room again, and the socket catches up then.
                connection.Enqueue(new Outbound.Follow(room, afterSeq));
            }
        }
    }

    /// <summary>Longer than any call's timeout: how long a follower waits for the first follower's watch to be answered.</summary>
    private static readonly TimeSpan WatchAnswerWait = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gives a socket that is not the room's first follower here its place: after
    /// <paramref name="afterSeq"/>, with a read of the log unless every event past it is still to be
    /// released (<paramref name="released"/>, under the sequencer's admission).
    /// </summary>
    private void PlaceFollower(ChatConnection connection, string room, long? afterSeq, RoomSequencer sequencer, long released)
    {
        // A sequencer replaced meanwhile (the room's last follower here left) knows nothing of its successor's releases.
        var current = _sequencers.TryGetValue(room, out var now) && now == sequencer;
        var missedNothing = current && afterSeq is { } after && released >= 0 && released <= after;
        connection.Enqueue(new Outbound.Follow(room, afterSeq, ReadLog: !missedNothing));
    }

    /// <summary>Every local socket of the user follows the room (a join on any of their devices).</summary>
    public async Task FollowForUserAsync(string user, string room, long? afterSeq)
    {
        if (afterSeq is null && _joins.IsJoiningHere(user, room))
        {
            return; // the join's handler follows every socket of the user from the seq it shows
        }
        foreach (var connection in _sockets.ConnectionsOf(user))
        {
            if (!_sockets.IsFollowing(connection, room))
            {
                await FollowAsync(connection, room, afterSeq);
            }
            else
            {
                // Confirmed by a join just now: a membership re-check asked before it must not undo it.
                connection.MarkFollowed(room, NextFollowStamp());
            }
        }
    }

    public void UnfollowForUser(string user, string room, RoomEvent? finalEvent = null) =>
        UnfollowForUser(user, room, finalEvent, followedBefore: long.MaxValue);

    /// <summary>Unfollows the user's sockets that followed the room before <paramref name="followedBefore"/> (the hub's follow clock).</summary>
    private void UnfollowForUser(string user, string room, RoomEvent? finalEvent, long followedBefore)
    {
        var emptied = false;
        foreach (var connection in _sockets.ConnectionsOf(user))
        {
            if (followedBefore != long.MaxValue && !connection.FollowedBefore(room, followedBefore))
            {
                continue;
            }
            connection.MarkUnfollowed(room);
            emptied |= _sockets.Unfollow(connection, room, ForgetRoom);
            connection.Enqueue(new Outbound.Unfollow(room, finalEvent));
        }
        if (emptied)
        {
            _ = Quietly(Relay(room).Unwatch(_self.Value), "unwatch");
        }
    }

    /// <summary>Whether the socket follows the room: its user belonged to it when it last heard.</summary>
    public bool Follows(ChatConnection connection, string room) => _sockets.IsFollowing(connection, room);

    private IRoomRelayGrain Relay(string room) => _cluster.GetGrain<IRoomRelayGrain>(room);

    private IUserSessionGrain Session(string user) => _cluster.GetGrain<IUserSessionGrain>(user);

    /// <summary>For calls nobody waits on: a failure is logged, and the next lease renewal repairs what it left undone.</summary>
    private async Task Quietly(Task work, string what)
    {
        try
        {
            await work;
        }
        catch (Exception ex)
        {
            LogBackgroundFailure(_logger, ex, what);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Background {Operation} failed; the next lease renewal retries it")]
    private static partial void LogBackgroundFailure(ILogger logger, Exception ex, string operation);
}
