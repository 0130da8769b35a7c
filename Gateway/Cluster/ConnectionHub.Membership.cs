using System.Collections.Concurrent;
using ChatApp.Errors;
using ChatApp.Rooms;
using ChatApp.Users;

namespace ChatApp.Gateway.Cluster;

/// <summary>
/// Membership re-checked at every lease renewal, so that a removal always sticks.
/// </summary>
/// <remarks>
/// A kick, ban or leave reaches this gateway as one one-way notice through the user's session
/// (<see cref="OnMembershipChanged"/>). If it is lost (the session moved with its silo and knows
/// no gateway yet, a call dropped on the way), the removed user's sockets would keep following the
/// room until they reconnect. So each renewal, which already calls every followed room's relay,
/// also asks the room grain which of the users whose sockets follow it still belong to it, and
/// unfollows the rest; a room nobody here belongs to any more is then unwatched like any room whose
/// last follower left.
///
/// Why this and not an epoch the relay or the gateway filters events by: the room grain is the
/// one authority on membership and keeps it in memory, so the question is one interleaved call per
/// followed room per renewal (the same count as the relay renewals beside it), nothing per event
/// and nothing new to keep in step. An epoch stamped on events would need every delivery compared
/// against a per-user value that itself arrives by a one-way notice, the path that was lost. The
/// price is latency: a lost notice takes effect within one renewal period
/// (<see cref="FanOutOptions.LeaseRenewInterval"/>), not at once; the notice remains the fast path.
///
/// Idle, the question is one call per room naming nobody: every join, leave, kick and ban is an
/// event of the room's log, so a room still at the seq at which it confirmed the same local
/// followers (the socket index replaces a room's array of followers on every change) has nobody to
/// remove. Only a room whose seq or followers changed is asked about each of its users, and every
/// <see cref="RecheckEveryoneEvery"/> renewals every room is. A gateway holding 10,000 members used
/// to send their 10,000 names to the rooms every renewal.
///
/// The answer may be older than a join that raced it (left, then joined again while the question
/// was on its way): each socket remembers when, by the hub's follow clock, it last followed or had a
/// join confirm the room, and only sockets that followed before the question was asked are
/// unfollowed.
/// </remarks>
public sealed partial class ConnectionHub
{
    private long _followClock;
    // Each followed room's last seq at the previous re-check (CatchUpStalled).
    private readonly ConcurrentDictionary<string, long> _checkedSeqs = new(StringComparer.Ordinal);
    // The seq up to which each room's sockets were last asked to check the log, and how many times they were (CatchUpStalled).
    private readonly ConcurrentDictionary<string, (long Seq, int Times)> _sweeps = new(StringComparer.Ordinal);

    // Per room, the followers the room last confirmed all belong to it, and its seq then.
    private readonly ConcurrentDictionary<string, (long Seq, ChatConnection[] Followers)> _confirmed = new(StringComparer.Ordinal);
    // How many users each room was asked about, while it had followers here.
    private readonly ConcurrentDictionary<string, int> _namesRechecked = new(StringComparer.Ordinal);

    /// <summary>
    /// Every this many renewals each room is asked about all its local followers, whatever it
    /// says of its seq: the seq only grows while the room lives, and a room forgotten when its last
    /// member left and made anew (RoomGrain.CollectIfUnused) could, in principle, come back to the same seq.
    /// </summary>
    public const int RecheckEveryoneEvery = 15;

    private long NextFollowStamp() => Interlocked.Increment(ref _followClock);

    /// <summary>How many users the room was asked about by membership re-checks while it had followers here.</summary>
    public int NamesRechecked(string room) => _namesRechecked.GetValueOrDefault(room);

    private static IReadOnlyList<UserName> UsersOf(ChatConnection[] followers) => [.. followers.Select(c => c.User).Distinct()];

    private async Task<FollowerCheck> CheckFollowersAsync(string room, IReadOnlyList<UserName> users)
    {
        _namesRechecked.AddOrUpdate(room, users.Count, (_, count) => count + users.Count);
        try
        {
            return await _cluster.GetGrain<IRoomGrain>(room).CheckFollowers(users);
        }
        catch (ChatException ex) when (ex.Code == ErrorCodes.NotFound)
        {
            return new FollowerCheck([], 0); // the room itself is gone
        }
    }

    /// <summary>Unfollows the room for every local user the room says no longer belongs to it.</summary>
    private async Task RecheckMembersAsync(string room, bool everyone)
    {
        var asked = NextFollowStamp();
        var followers = _sockets.FollowersOf(room);
        if (followers.Length == 0)
        {
            return;
        }
        // The same followers (the index replaces a room's array on every change) confirmed at the
        // seq the room is still at: nobody joined or left since, so nobody needs naming.
        var confirmed = _confirmed.GetValueOrDefault(room);
        var unchanged = !everyone && ReferenceEquals(confirmed.Followers, followers);
        IReadOnlyList<UserName> following = unchanged ? [] : UsersOf(followers);
        var check = await CheckFollowersAsync(room, following);
        if (unchanged && check.LastSeq != confirmed.Seq)
        {
            following = UsersOf(followers);
            check = await CheckFollowersAsync(room, following);
        }
        var removed = following.Except(check.Members).ToList();
        foreach (var user in removed)
        {
            if (!_joins.IsJoiningHere(user, room))
            {
                LogRemovedOnRecheck(_logger, user.Value, room);
                UnfollowForUser(user, room, finalEvent: null, followedBefore: asked);
            }
        }
        if (following.Count > 0 && removed.Count == 0 && _sockets.IsFollowed(room))
        {
            _confirmed[room] = (check.LastSeq, followers);
        }
        CatchUpStalled(room, check.LastSeq);
    }

    /// <summary>
    /// The live path's safety net. A socket that has not reached even the seq its room had at the
    /// previous check heard nothing of the room for a whole renewal period while the room went on:
    /// its live events are stuck or lost somewhere (a relay whose stream stalled in a failover, say),
    /// and a gap is only noticed when a later event comes. Such a socket reads the log instead. One
    /// renewal behind, not the room's last seq now, so that events merely on their way cost nothing.
    /// </summary>
    /// <remarks>
    /// Decided per room, so that an idle gateway does nothing per socket: when this gateway has
    /// passed that seq on to the room's sockets, each has it queued or has taken it (a gap before it
    /// is repaired when it is taken), and none is stalled. Only a room whose live events stopped
    /// short asks its sockets, once per seq it stopped short of: a room that stays quiet (its events
    /// up to there were read from the log when its sockets followed, say, after a restart) is not
    /// asked again at every renewal.
    /// </remarks>
    private void CatchUpStalled(string room, long lastSeq)
    {
        var released = _sequencers.TryGetValue(room, out var sequencer) ? sequencer.Released : -1;
        if (_checkedSeqs.TryGetValue(room, out var previous) && previous > 0 && released < previous
            && _sweeps.GetValueOrDefault(room, (-1, 0)) is var swept && swept.Seq < previous)
        {
            foreach (var connection in _sockets.FollowersOf(room))
            {
                connection.Enqueue(new Outbound.CatchUp(room, IfBefore: previous));
            }
            _sweeps[room] = (previous, swept.Times + 1);
        }
        _checkedSeqs[room] = lastSeq;
    }

    /// <summary>How many times lease renewals asked the room's local sockets to check the log for stalled live events, while it had followers here.</summary>
    public int CatchUpSweeps(string room) => _sweeps.GetValueOrDefault(room).Times;

    [LoggerMessage(Level = LogLevel.Information, Message = "{User} no longer belongs to room {Room}, whose removal notice did not arrive; their sockets here stop following it")]
    private static partial void LogRemovedOnRecheck(ILogger logger, string user, string room);
}
