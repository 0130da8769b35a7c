using System.Collections.Concurrent;
using ChatApp.Gateway.Protocol;
using ChatApp.Ordering;
using ChatApp.Rooms;
using ChatApp.Users;

namespace ChatApp.Gateway.Cluster;

/// <summary>
/// The observer callbacks: what the cluster tells this gateway (one-way calls, which Orleans does
/// not keep in order), put back in order where order matters and passed on to the local sockets.
/// </summary>
public sealed partial class ConnectionHub
{
    private readonly ConcurrentDictionary<string, RoomSequencer> _sequencers = new(StringComparer.Ordinal);
    // One-way notices may cross on the way: each kind is taken newest first, by the stamp its
    // source gives it. A membership change by its event's seq and an unread count by its read marker,
    // per user and room: kept while the user has sockets here (a notice about anyone else changes
    // nothing here) and forgotten with their last one, so that they do not pile up with every user
    // who ever came through this gateway.
    private readonly ConcurrentDictionary<string, NewestStamps<string>> _membership = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, NewestStamps<string>> _readMarkers = new(StringComparer.Ordinal);
    // A presence change by the session's stamp, per room, so that a room no longer followed here is
    // forgotten in one step.
    private readonly ConcurrentDictionary<string, NewestStamps<string>> _presence = new(StringComparer.Ordinal);

    /// <summary>Whether this gateway keeps stamps to order notices about the user: only while they have sockets here.</summary>
    public bool KeepsStampsFor(string user) => _membership.ContainsKey(user) || _readMarkers.ContainsKey(user);

    public void OnRoomEvent(RoomEvent roomEvent)
    {
        if (!_sockets.IsFollowed(roomEvent.Room))
        {
            return;
        }
        var sequencer = _sequencers.GetOrAdd(roomEvent.Room, NewSequencer);
        sequencer.Accept(new Outbound.Event(roomEvent, ServerFrames.Event(roomEvent)));
    }

    /// <summary>A room's events published together (a batch of sends): each in order, as if it came alone.</summary>
    public void OnRoomEvents(IReadOnlyList<RoomEvent> roomEvents)
    {
        foreach (var roomEvent in roomEvents)
        {
            OnRoomEvent(roomEvent);
        }
    }

    private RoomSequencer NewSequencer(string room) => new(Release, _options.ReorderWindow);

    /// <summary>An event in order (or given up waiting for): the same bytes queued on every local follower.</summary>
    private void Release(Outbound.Event item)
    {
        foreach (var connection in _sockets.FollowersOf(item.RoomEvent.Room))
        {
            connection.Enqueue(item);
        }
        _metrics.FannedOut(item.RoomEvent.Ts);
    }

    public void OnPresence(PresenceChange change)
    {
        if (!_sockets.IsFollowed(change.Room)
            || !_presence.GetOrAdd(change.Room, _ => new(StringComparer.Ordinal)).TryAdvance(change.User, change.Stamp))
        {
            return; // nobody here follows the room, or a newer change about the member came first
        }
        SendToFollowers(change.Room, ServerFrames.Presence(change), except: null);
    }

    public void OnPresences(IReadOnlyList<PresenceChange> changes)
    {
        foreach (var change in changes)
        {
            OnPresence(change);
        }
    }

    public void OnTyping(TypingNotice notice) =>
        SendToFollowers(notice.Room, ServerFrames.Typing(notice), except: notice.User);

    /// <summary>Sent as it comes: the page keeps the newest by its stamp, so no order is restored here.</summary>
    public void OnProfileChanged(ProfileNotice notice) =>
        SendToFollowers(notice.Room, ServerFrames.Profile(notice), except: null);

    public void OnUnread(UnreadChange change)
    {
        if (TakeNewest(_readMarkers, change.User, change.Room, change.LastReadSeq))
        {
            SendToUser(change.User, ServerFrames.Unread(change));
        }
    }

    public void OnMention(Mention mention) => SendToUser(mention.User, ServerFrames.Mention(mention));

    public void OnInvited(Invitation invitation) => SendToUser(invitation.User, ServerFrames.Invitation(invitation));

    /// <summary>Some gateway revoked the user's older tokens: their sockets here close as well.</summary>
    public void OnSignedOut(string user, int tokenVersion) => _ = _sockets.CloseUserAsync(user, tokenVersion);

    public void OnDeviceSignedOut(string user, Guid device) => _ = _sockets.CloseDeviceAsync(user, device);

    /// <summary>An ephemeral frame (no seq) for the room's local followers, the same bytes for all.</summary>
    private void SendToFollowers(string room, byte[] frame, string? except)
    {
        foreach (var connection in _sockets.FollowersOf(room))
        {
            if (connection.User != except)
            {
                connection.Send(frame);
            }
        }
    }

    private void SendToUser(string user, byte[] frame)
    {
        foreach (var connection in _sockets.ConnectionsOf(user))
        {
            connection.Send(frame);
        }
    }

    /// <summary>
    /// A join made here was answered with the room's <paramref name="lastSeq"/>. The session tells the
    /// other gateways of it, not this one (the reply says it all), so the reply takes the notice's
    /// place in the ordering: a notice about the user and the room no newer than the reply, such as
    /// an earlier leave still on its way, is stale.
    /// </summary>
    public void JoinedHere(string user, string room, long lastSeq) => TakeNewest(_membership, user, room, lastSeq);

    public void OnMembershipChanged(MembershipChange change)
    {
        if (!TakeNewest(_membership, change.User, change.Room, change.Seq))
        {
            return; // an older notice overtaken by a newer one, or the user has no socket here
        }
        if (change.Joined)
        {
            // A join handled here follows the user's sockets from its reply; a notice must not, and
            // above all must not unfollow them.
            if (!_joins.IsJoiningHere(change.User, change.Room))
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
    /// Whether a notice about <paramref name="user"/> in <paramref name="room"/> stamped
    /// <paramref name="stamp"/> is newer than every one taken before; false as well when the user has
    /// no socket here, so that nothing is remembered about them.
    /// </summary>
    private bool TakeNewest(ConcurrentDictionary<string, NewestStamps<string>> stamps, string user, string room, long stamp)
    {
        if (_sockets.CountOf(user) == 0)
        {
            return false;
        }
        var usersStamps = stamps.GetOrAdd(user, static _ => new(StringComparer.Ordinal));
        var newest = usersStamps.TryAdvance(room, stamp);
        if (_sockets.CountOf(user) == 0)
        {
            // Their last socket closed meanwhile, and its forgetting may have run before this was added.
            stamps.TryRemove(KeyValuePair.Create(user, usersStamps));
        }
        return newest;
    }

    /// <summary>A user whose last socket here closed: what was kept to order notices about them goes too.</summary>
    private void ForgetUser(string user)
    {
        _membership.TryRemove(user, out _);
        _readMarkers.TryRemove(user, out _);
    }

    /// <summary>
    /// A room that lost its last local follower: its ordering state goes with it, in the same step
    /// (the index runs this under its lock).
    /// </summary>
    private void ForgetRoom(string room)
    {
        _sequencers.TryRemove(room, out _);
        _presence.TryRemove(room, out _);
        _checkedSeqs.TryRemove(room, out _);
        _sweeps.TryRemove(room, out _);
        _confirmed.TryRemove(room, out _);
        _namesRechecked.TryRemove(room, out _);
    }
}
