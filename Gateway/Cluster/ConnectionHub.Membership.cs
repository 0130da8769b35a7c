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
        IReadOnlyList<UserName> members;
        try
        {
            members = await _cluster.GetGrain<IRoomGrain>(room).MembersAmong(following);
        }
        catch (ChatException ex) when (ex.Code == ErrorCodes.NotFound)
        {
            members = []; // the room itself is gone
        }
        foreach (var user in following.Except(members))
        {
            if (!_joins.IsJoiningHere(user, room))
            {
                LogRemovedOnRecheck(_logger, user.Value, room);
                UnfollowForUser(user, room, finalEvent: null, followedBefore: asked);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{User} no longer belongs to room {Room}, whose removal notice did not arrive; their sockets here stop following it")]
    private static partial void LogRemovedOnRecheck(ILogger logger, string user, string room);
}
