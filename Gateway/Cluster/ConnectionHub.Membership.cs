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

    private long NextFollowStamp() => Interlocked.Increment(ref _followClock);

    /// <summary>Unfollows the room for every local user the room says no longer belongs to it.</summary>
    private async Task RecheckMembersAsync(string room)
    {
        var asked = NextFollowStamp();
        IReadOnlyList<UserName> following = [.. _sockets.FollowersOf(room).Select(c => c.User).Distinct()];
        if (following.Count == 0)
        {
            return;
        }
        FollowerCheck check;
        try
        {
            check = await _cluster.GetGrain<IRoomGrain>(room).CheckFollowers(following);
        }
        catch (ChatException ex) when (ex.Code == ErrorCodes.NotFound)
        {
            check = new FollowerCheck([], 0); // the room itself is gone
        }
        foreach (var user in following.Except(check.Members))
        {
            if (!_joins.IsJoiningHere(user, room))
            {
                LogRemovedOnRecheck(_logger, user.Value, room);
                UnfollowForUser(user, room, finalEvent: null, followedBefore: asked);
            }
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
