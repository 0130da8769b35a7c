using ChatApp.Errors;
using ChatApp.Gateways;
using ChatApp.Rooms;
using ChatApp.Storage;
using Microsoft.Extensions.Options;

namespace ChatApp.Users;

/// <summary>
/// A user's rooms, read markers and presence, and the gateways holding the user's sockets.
/// Rooms report joins, leaves and mentions here; this grain keeps the list and tells each of
/// those gateways, so every device of the user follows a room the moment any one of them joins it.
/// The user is online while some gateway holds a lease for them, and the rooms hear of it.
/// It never waits on a room grain (rooms wait on it): what it must know of a room it reads from
/// PostgreSQL.
/// </summary>
public sealed class UserSessionGrain(
    SessionRows rows,
    ReadMarkers markers,
    UnreadCounts unread,
    RoomLog log,
    TokenVersions tokenVersions,
    EndedDeviceRows endedDeviceRows,
    RoomInvitations invitations,
    LeaseHolds leases,
    IOptions<RoomLimits> limits,
    TimeProvider time)
    : Grain, IUserSessionGrain
{
    private readonly RoomCreations _creations = new(limits.Value.JoinCreatedRoomsBurst, limits.Value.JoinCreatedRoomsPerMinute,
        "Too many new rooms made by joining; create one with POST /api/rooms, or retry later.");
    private readonly RoomCreations _directRooms = new(limits.Value.DirectRoomsBurst, limits.Value.DirectRoomsPerMinute,
        "Too many new direct conversations; retry later.");

    // Held until they detach or their lease grain lapses (GatewayLeaseGrain): no timer here.
    private readonly HashSet<IChatObserver> _gateways = [];
    private readonly CredentialsVersion _credentials = new(tokenVersions);
    private readonly EndedDevices _endedDevices = new(endedDeviceRows);
    private bool _online;
    private long _presenceStamp;

    // The key, checked once: a session under any other string refuses every call.
    private UserName User { get; set; }

    // The user's rows of room_members, read at activation; the rooms keep them current by telling us of every change.
    private UserSessionState Session { get; set; } = new();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        User = UserName.Parse(this.GetPrimaryKeyString());
        // Most activations are a hello's, whose Attach checks the token version and the device next:
        // all three are read in the one round trip.
        var snapshot = await DatabaseFaults.Guard(() => rows.Load(User));
        Session = new UserSessionState { Rooms = [.. snapshot.ReadMarkers.Keys], ReadMarkers = snapshot.ReadMarkers };
        _credentials.Read(snapshot.TokenVersion);
        _endedDevices.Read(snapshot.EndedDevices);
        await base.OnActivateAsync(cancellationToken);
    }

    public Task<IReadOnlyList<string>> Attach(IChatObserver gateway, TimeSpan lease)
    {
        _gateways.Add(gateway);
        leases.Hold(gateway, this.AsReference<IUserSessionGrain>(), lease);
        SetOnline(true);
        return GetRooms();
    }

    public async Task<IReadOnlyList<string>> Attach(IChatObserver gateway, TimeSpan lease, int tokenVersion) =>
        await _credentials.Accepts(User, tokenVersion)
            ? await Attach(gateway, lease)
            : throw new ChatException(ErrorCodes.Unauthorized, "The token was revoked.");

    public async Task<IReadOnlyList<string>> Attach(IChatObserver gateway, TimeSpan lease, int tokenVersion, Guid device) =>
        await _endedDevices.IsEnded(User, device)
            ? throw new ChatException(ErrorCodes.Unauthorized, "This device was signed out.")
            : await Attach(gateway, lease, tokenVersion);

    public Task<bool> IsCurrent(int tokenVersion) => _credentials.Accepts(User, tokenVersion);

    public async Task<bool> IsCurrent(int tokenVersion, Guid device) =>
        await _credentials.Accepts(User, tokenVersion) && !await _endedDevices.IsEnded(User, device);

    public Task SignOutDevice(Guid device)
    {
        _endedDevices.Ended(device);
        foreach (var gateway in _gateways)
        {
            gateway.OnDeviceSignedOut(User, device);
        }
        return Task.CompletedTask;
    }

    public Task Detach(IChatObserver gateway)
    {
        if (_gateways.Remove(gateway))
        {
            leases.Release(gateway, this.AsReference<IUserSessionGrain>());
        }
        SetOnline(_gateways.Count > 0);
        return Task.CompletedTask;
    }

    public Task SignOut(int tokenVersion)
    {
        _credentials.SignedOut(tokenVersion);
        foreach (var gateway in _gateways)
        {
            gateway.OnSignedOut(User, tokenVersion);
        }
        return Task.CompletedTask;
    }

    public Task<bool> IsOnline() => Task.FromResult(_online);

    public Task<IReadOnlyList<string>> GetRooms() =>
        Task.FromResult<IReadOnlyList<string>>(Session.Rooms.Order(StringComparer.Ordinal).ToList());

    public Task<bool> BelongsTo(RoomId room) => Task.FromResult(Session.Rooms.Contains(room));

    public Task TakeRoomCreation()
    {
        _creations.Take();
        return Task.CompletedTask;
    }

    public Task TakeDirectRoom()
    {
        _directRooms.Take();
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Invitation>> Invitations() => invitations.Of(User);

    public Task Invited(Invitation invitation)
    {
        foreach (var gateway in _gateways)
        {
            gateway.OnInvited(invitation);
        }
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _creations.Dispose();
        _directRooms.Dispose();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    public Task<UserSessionState> GetState() => Task.FromResult(Session);

    public Task ApplyMembership(MembershipChange item) => ApplyMembership(item, alreadyTold: null);

    public Task ApplyMembership(MembershipChange item, IChatObserver? alreadyTold)
    {
        if (Apply(item, alreadyTold) is { } stamp)
        {
            _ = Relay(item.Room).Presence(User, item.Joined, stamp);
        }
        return Task.CompletedTask;
    }

    public Task<long?> ApplyJoin(MembershipChange item, IChatObserver? alreadyTold) => Task.FromResult(Apply(item, alreadyTold));

    /// <summary>
    /// Records the change and tells the user's other gateways; returns the stamp of the presence
    /// change it makes in the room (null when none: the user is offline, or nothing changed).
    /// </summary>
    private long? Apply(MembershipChange item, IChatObserver? alreadyTold)
    {
        bool changed;
        if (item.Joined)
        {
            changed = Session.Rooms.Add(item.Room);
            // A newcomer has read nothing before joining: the room's past is not unread.
            Session.ReadMarkers.TryAdd(item.Room, item.Seq);
        }
        else
        {
            changed = Session.Rooms.Remove(item.Room);
            Session.ReadMarkers.Remove(item.Room);
        }
        // The room has committed the row already: only this copy and the user's devices are behind.
        foreach (var gateway in _gateways)
        {
            if (!gateway.Equals(alreadyTold))
            {
                gateway.OnMembershipChanged(item);
            }
        }
        return changed && _online ? NextPresenceStamp() : null;
    }

    public async Task<IReadOnlyDictionary<string, UnreadCount>> UnreadIn(IReadOnlyList<RoomId> rooms)
    {
        var ours = rooms.Select(room => room.Value).Where(Session.Rooms.Contains).Distinct(StringComparer.Ordinal)
            .ToDictionary(room => room, room => Session.ReadMarkers.GetValueOrDefault(room), StringComparer.Ordinal);
        return await DatabaseFaults.Guard(() => unread.Count(User, ours));
    }

    public async Task MarkRead(RoomId room, long seq)
    {
        if (!Session.Rooms.Contains(room))
        {
            throw new ChatException(ErrorCodes.NotFound, "No such room.");
        }
        if (seq <= Session.ReadMarkers.GetValueOrDefault(room))
        {
            return; // markers only move forward
        }
        // The log is the authority on how far there is to read (the room commits there before anyone sees an event).
        var marker = Math.Min(seq, await DatabaseFaults.Guard(() => log.LastSeq(room)));
        if (marker <= Session.ReadMarkers.GetValueOrDefault(room))
        {
            return;
        }
        await DatabaseFaults.Guard(async () => { await markers.MoveForward(User, room, marker); return true; });
        Session.ReadMarkers[room] = marker;
        var counts = await DatabaseFaults.Guard(() => unread.Count(User, new Dictionary<string, long> { [room] = marker }));
        var left = counts.GetValueOrDefault(room) ?? new UnreadCount(0, 0);
        var change = new UnreadChange(User, room, left.Messages, marker, left.Mentions);
        foreach (var gateway in _gateways)
        {
            gateway.OnUnread(change);
        }
    }

    public Task Notify(Mention mention)
    {
        // A mention sent just before the user left reaches nobody: they no longer follow the room.
        if (Session.Rooms.Contains(mention.Room))
        {
            foreach (var gateway in _gateways)
            {
                gateway.OnMention(mention);
            }
        }
        return Task.CompletedTask;
    }

    public Task Typing(RoomId room)
    {
        // Only members type into a room; anything else is dropped without a word, as typing is.
        if (Session.Rooms.Contains(room))
        {
            _ = Relay(room).Typing(User);
        }
        return Task.CompletedTask;
    }

    public Task ProfileChanged(ProfileChange change)
    {
        // One call per room, as presence is announced: each relay reaches the gateways following its room.
        foreach (var room in Session.Rooms)
        {
            _ = Relay(room).ProfileChanged(change);
        }
        return Task.CompletedTask;
    }

    public Task RefreshPresence(RoomId room)
    {
        if (Session.Rooms.Contains(room))
        {
            _ = Relay(room).Presence(User, _online, NextPresenceStamp());
        }
        return Task.CompletedTask;
    }

    /// <summary>Announces a change of presence to every room of the user.</summary>
    private void SetOnline(bool online)
    {
        if (online == _online)
        {
            return;
        }
        _online = online;
        AnnouncePresence();
        // The gateways are known in memory only: an online user's session stays active until offline.
        this.DelayDeactivation(online ? TimeSpan.MaxValue : TimeSpan.Zero);
    }

    private void AnnouncePresence()
    {
        var stamp = NextPresenceStamp();
        foreach (var room in Session.Rooms)
        {
            _ = Relay(room).Presence(User, _online, stamp);
        }
    }

    /// <summary>
    /// Grows with every announcement, and across activations too (it starts from the clock), so
    /// that a relay can tell the latest word on this user from one overtaken on the way.
    /// </summary>
    private long NextPresenceStamp() => _presenceStamp = Math.Max(_presenceStamp + 1, time.GetUtcNow().UtcTicks);

    private IRoomRelayGrain Relay(string room) => GrainFactory.GetGrain<IRoomRelayGrain>(room);
}
