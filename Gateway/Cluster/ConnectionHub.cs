using System.Collections.Concurrent;
using ChatApp.Errors;
using ChatApp.Gateway.Observability;
using ChatApp.Gateway.Protocol;
using ChatApp.Gateway.Realtime;
using ChatApp.Gateways;
using ChatApp.Rooms;
using ChatApp.Users;
using Microsoft.Extensions.Options;

namespace ChatApp.Gateway.Cluster;

/// <summary>
/// This gateway's sockets, indexed by user and by room, and its one observer in the cluster.
/// A room event arrives here once, is serialized once, and is queued on each local socket
/// following the room; a membership change arrives once per user and moves all their sockets.
/// </summary>
public sealed partial class ConnectionHub : IChatObserver
{
    private readonly IClusterClient _cluster;
    private readonly ChatSocketOptions _options;
    private readonly ILogger<ConnectionHub> _logger;
    private readonly GatewayMetrics _metrics;
    private readonly Lazy<IChatObserver> _self;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HashSet<ChatConnection>> _byUser = new(StringComparer.Ordinal);
    // Copy-on-write arrays: the fan-out path reads them without taking the lock.
    private readonly ConcurrentDictionary<string, ChatConnection[]> _byRoom = new(StringComparer.Ordinal);
    // Joins being handled here, by (user, room): their handler alone decides where the user's sockets start.
    private readonly Dictionary<(string User, string Room), int> _joining = [];
    private readonly ConcurrentDictionary<string, RoomSequencer> _sequencers = new(StringComparer.Ordinal);
    // The newest membership notice applied per (user, room): one-way notices may cross on the way.
    private readonly ConcurrentDictionary<(string User, string Room), long> _membershipSeqs = new();
    private readonly PresenceOrder _presence = new();

    public ConnectionHub(IClusterClient cluster, IOptions<ChatSocketOptions> options, GatewayMetrics metrics, ILogger<ConnectionHub> logger)
    {
        _metrics = metrics;
        _cluster = cluster;
        _options = options.Value;
        _logger = logger;
        // The reference Orleans routes observer calls through; made on first use, when the client is connected.
        _self = new(() => _cluster.CreateObjectReference<IChatObserver>(this));
    }

    /// <summary>This gateway's observer as the cluster knows it: what relays and sessions hold leases for.</summary>
    public IChatObserver Observer => _self.Value;

    public int ConnectionCount
    {
        get { lock (_gate) { return _byUser.Values.Sum(c => c.Count); } }
    }

    /// <summary>Adds an authenticated socket and returns its user's rooms, holding the user's session lease.</summary>
    public async Task<IReadOnlyList<string>> AddAsync(ChatConnection connection)
    {
        lock (_gate)
        {
            Add(_byUser, connection.User!, connection);
        }
        // The session refuses a revoked token here: it knows the user's credentials version.
        return await Session(connection.User!).Attach(_self.Value, _options.LeaseDuration, connection.TokenVersion);
    }

    public void Remove(ChatConnection connection)
    {
        string[] emptiedRooms;
        bool lastOfUser;
        lock (_gate)
        {
            lastOfUser = RemoveFrom(_byUser, connection.User!, connection);
            emptiedRooms = _byRoom.Where(r => r.Value.Contains(connection)).Select(r => r.Key).ToArray()
                .Where(room => UnfollowLocked(connection, room)).ToArray();
        }
        if (lastOfUser)
        {
            _ = Quietly(Session(connection.User!).Detach(_self.Value), "detach");
        }
        foreach (var room in emptiedRooms)
        {
            _ = Quietly(Relay(room).Unwatch(_self.Value), "unwatch");
        }
    }

    /// <summary>Makes a socket follow a room from a seq (null: from now); the first local follower makes the gateway watch it.</summary>
    public async Task FollowAsync(ChatConnection connection, string room, long? afterSeq)
    {
        bool first;
        lock (_gate)
        {
            var current = _byRoom.GetValueOrDefault(room, []);
            first = current.Length == 0;
            if (!current.Contains(connection))
            {
                _byRoom[room] = [.. current, connection];
            }
        }
        if (first)
        {
            await Relay(room).Watch(_self.Value, _options.LeaseDuration);
        }
        // Queued after the watch is in place: its catch-up from the log covers anything published before.
        connection.Enqueue(new Outbound.Follow(room, afterSeq));
    }

    /// <summary>
    /// Marks a join of the room by the user as being handled on this gateway until disposed. Meanwhile
    /// follows "from now" (a membership notice, a lease renewal) leave the user's sockets alone: they
    /// could start past the seq the join reply shows, and the joiner would silently miss the events between.
    /// </summary>
    public IDisposable BeginJoin(string user, string room)
    {
        var key = (user, room);
        lock (_gate)
        {
            _joining[key] = _joining.GetValueOrDefault(key) + 1;
        }
        return new JoinInProgress(this, key);
    }

    private bool IsJoiningHere(string user, string room)
    {
        lock (_gate)
        {
            return _joining.ContainsKey((user, room));
        }
    }

    private void EndJoin((string User, string Room) key)
    {
        lock (_gate)
        {
            if (--_joining[key] == 0)
            {
                _joining.Remove(key);
            }
        }
    }

    private sealed class JoinInProgress(ConnectionHub hub, (string User, string Room) key) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                hub.EndJoin(key);
            }
        }
    }

    /// <summary>Every local socket of the user follows the room (a join on any of their devices).</summary>
    public async Task FollowForUserAsync(string user, string room, long? afterSeq)
    {
        if (afterSeq is null)
        {
            lock (_gate)
            {
                if (_joining.ContainsKey((user, room)))
                {
                    return; // the join's handler follows every socket of the user from the seq it shows
                }
            }
        }
        foreach (var connection in ConnectionsOf(user))
        {
            if (!IsFollowing(connection, room))
            {
                await FollowAsync(connection, room, afterSeq);
            }
        }
    }

    public void UnfollowForUser(string user, string room, RoomEvent? finalEvent = null)
    {
        var emptied = false;
        foreach (var connection in ConnectionsOf(user))
        {
            lock (_gate)
            {
                emptied |= UnfollowLocked(connection, room);
            }
            connection.Enqueue(new Outbound.Unfollow(room, finalEvent));
        }
        if (emptied)
        {
            _ = Quietly(Relay(room).Unwatch(_self.Value), "unwatch");
        }
    }

    public void OnRoomEvent(RoomEvent roomEvent)
    {
        if (!_byRoom.ContainsKey(roomEvent.Room))
        {
            return;
        }
        var sequencer = _sequencers.GetOrAdd(roomEvent.Room, room => new RoomSequencer(Release, _options.ReorderWindow));
        sequencer.Accept(new Outbound.Event(roomEvent, ServerFrames.Event(roomEvent)));
    }

    /// <summary>An event in order (or given up waiting for): the same bytes queued on every local follower.</summary>
    private void Release(Outbound.Event item)
    {
        foreach (var connection in _byRoom.GetValueOrDefault(item.RoomEvent.Room, []))
        {
            connection.Enqueue(item);
        }
        _metrics.FannedOut(item.RoomEvent.Ts);
    }

    public void OnPresence(PresenceChange change)
    {
        if (!_byRoom.ContainsKey(change.Room) || !_presence.IsNewest(change))
        {
            return; // nobody here follows the room, or a newer change about the member came first
        }
        SendToFollowers(change.Room, ServerFrames.Presence(change), except: null);
    }

    public void OnTyping(TypingNotice notice) =>
        SendToFollowers(notice.Room, ServerFrames.Typing(notice), except: notice.User);

    public void OnUnread(UnreadChange change) => SendToUser(change.User, ServerFrames.Unread(change));

    public void OnMention(Mention mention) => SendToUser(mention.User, ServerFrames.Mention(mention));

    /// <summary>Some gateway revoked the user's older tokens: their sockets here close as well.</summary>
    public void OnSignedOut(string user, int tokenVersion) => _ = CloseUserAsync(user, tokenVersion);

    /// <summary>An ephemeral frame (no seq) for the room's local followers, the same bytes for all.</summary>
    private void SendToFollowers(string room, byte[] frame, string? except)
    {
        foreach (var connection in _byRoom.GetValueOrDefault(room, []))
        {
            if (connection.User != except)
            {
                connection.Send(frame);
            }
        }
    }

    private void SendToUser(string user, byte[] frame)
    {
        foreach (var connection in ConnectionsOf(user))
        {
            connection.Send(frame);
        }
    }

    public void OnMembershipChanged(MembershipChange change)
    {
        var key = (change.User, change.Room);
        var newest = _membershipSeqs.AddOrUpdate(key, change.Seq, (_, seen) => Math.Max(seen, change.Seq));
        if (newest != change.Seq)
        {
            return; // an older notice overtaken by a newer one
        }
        if (change.Joined)
        {
            // A join handled here follows the user's sockets from its reply; a notice must not, and
            // above all must not unfollow them.
            if (!IsJoiningHere(change.User, change.Room))
            {
                // The user's other devices see the join event itself and everything after it.
                _ = Quietly(FollowForUserAsync(change.User, change.Room, afterSeq: change.Seq - 1), "follow");
            }
        }
        else
        {
            UnfollowForUser(change.User, change.Room, change.Event);
        }
    }

    /// <summary>
    /// Renews this gateway's lease and its watches of rooms, and, after a silo left or when the
    /// lease was not running (<paramref name="sessions"/>, or the lease grain's answer), attaches
    /// every local user again. A relay that did not know us (it was lost with its silo) may have
    /// dropped events, so the sockets following it check the log; a session's room list catches
    /// any membership notice that went missing. Sessions hold this gateway until its lease lapses,
    /// so that periodic work is one call per gateway and one per room, not one per user.
    /// </summary>
    public async Task RenewLeasesAsync(bool sessions, CancellationToken cancellationToken)
    {
        var lapsed = await _cluster.LeaseOf(_self.Value).Renew(_self.Value, _options.LeaseDuration).WaitAsync(cancellationToken);
        string[] rooms;
        string[] users;
        lock (_gate)
        {
            rooms = [.. _byRoom.Where(r => r.Value.Length > 0).Select(r => r.Key)];
            users = sessions || lapsed ? [.. _byUser.Keys] : [];
        }
        // A few renewals at a time: all at once, 10,000 users' renewals flooded the silos every 20 s
        // and held up live messages for 100-300 ms (bench/README.md, fanout timeline). Rooms go
        // first: a relay that forgot this gateway is a room whose events stopped arriving.
        var failures = new ConcurrentQueue<Exception>();
        var pace = new ParallelOptions { MaxDegreeOfParallelism = RenewalsInFlight, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(rooms, pace, async (room, _) => await Recording(RenewWatchAsync(room), failures));
        await Parallel.ForEachAsync(users, pace, async (user, _) => await Recording(RenewSessionAsync(user), failures));
        if (!failures.IsEmpty)
        {
            throw new AggregateException("Some leases could not be renewed.", failures);
        }
    }

    /// <summary>Lease renewals in flight at once.</summary>
    public const int RenewalsInFlight = 16;

    private async Task RenewWatchAsync(string room)
    {
        if (await Relay(room).Watch(_self.Value, _options.LeaseDuration))
        {
            var followers = _byRoom.GetValueOrDefault(room, []);
            foreach (var connection in followers)
            {
                connection.Enqueue(new Outbound.CatchUp(room));
            }
            // A new relay knows nobody online: the sessions of our followers tell it (one-way calls).
            foreach (var user in followers.Select(c => c.User!).Distinct(StringComparer.Ordinal))
            {
                _ = Session(user).RefreshPresence(room);
            }
        }
    }

    private async Task RenewSessionAsync(string user)
    {
        var newest = ConnectionsOf(user).Select(c => c.TokenVersion).DefaultIfEmpty(-1).Max();
        if (newest < 0)
        {
            return; // the user's last socket here closed since the renewal began
        }
        IReadOnlyList<string> rooms;
        try
        {
            rooms = await Session(user).Attach(_self.Value, _options.LeaseDuration, newest);
        }
        catch (ChatException ex) when (ex.Code == ErrorCodes.Unauthorized)
        {
            // Every token the user's sockets here carry was revoked, and the sign-out notice, a
            // one-way call, was lost on the way: they close now instead.
            await CloseUserAsync(user, newest + 1);
            return;
        }
        if (CountOf(user) == 0)
        {
            // The user's last socket closed while this renewal was on its way, and its detach may
            // have reached the session first: without this the user would show online, socketless,
            // until the lease lapsed.
            await Session(user).Detach(_self.Value);
            return;
        }
        foreach (var room in rooms)
        {
            await FollowForUserAsync(user, room, afterSeq: null);
        }
    }

    /// <summary>One renewal failing must not stop the others; the caller hears of all failures at the end.</summary>
    private static async Task Recording(Task renewal, ConcurrentQueue<Exception> failures)
    {
        try
        {
            await renewal;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            failures.Enqueue(ex);
        }
    }

    /// <summary>
    /// Closes every local socket of a user that signed in with a token older than
    /// <paramref name="tokenVersion"/>; those tokens were just revoked. Sockets opened since with
    /// a new token (the one a password change returns) stay open.
    /// </summary>
    public Task CloseUserAsync(string user, int tokenVersion) =>
        Task.WhenAll(ConnectionsOf(user).Where(c => c.TokenVersion < tokenVersion)
            .Select(c => c.CloseAsync(CloseCodes.Unauthorized, "credentials changed")));

    /// <summary>How many sockets the user holds on this gateway.</summary>
    public int CountOf(string user)
    {
        lock (_gate)
        {
            return _byUser.TryGetValue(user, out var set) ? set.Count : 0;
        }
    }

    public ChatConnection[] All()
    {
        lock (_gate)
        {
            return [.. _byUser.Values.SelectMany(c => c)];
        }
    }

    private ChatConnection[] ConnectionsOf(string user)
    {
        lock (_gate)
        {
            return _byUser.TryGetValue(user, out var set) ? [.. set] : [];
        }
    }

    private bool IsFollowing(ChatConnection connection, string room) =>
        _byRoom.TryGetValue(room, out var followers) && followers.Contains(connection);

    /// <summary>Removes one follower; true when the room has no local follower left.</summary>
    private bool UnfollowLocked(ChatConnection connection, string room)
    {
        if (!_byRoom.TryGetValue(room, out var current) || !current.Contains(connection))
        {
            return false;
        }
        var rest = current.Where(c => c != connection).ToArray();
        if (rest.Length == 0)
        {
            _byRoom.TryRemove(room, out _);
            _sequencers.TryRemove(room, out _);
            _presence.Forget(room);
            return true;
        }
        _byRoom[room] = rest;
        return false;
    }

    private static void Add(Dictionary<string, HashSet<ChatConnection>> index, string key, ChatConnection connection)
    {
        if (!index.TryGetValue(key, out var set))
        {
            index[key] = set = [];
        }
        set.Add(connection);
    }

    private static bool RemoveFrom(Dictionary<string, HashSet<ChatConnection>> index, string key, ChatConnection connection)
    {
        if (index.TryGetValue(key, out var set) && set.Remove(connection) && set.Count == 0)
        {
            index.Remove(key);
            return true;
        }
        return false;
    }

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
