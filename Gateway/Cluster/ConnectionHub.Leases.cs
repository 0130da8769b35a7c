using System.Collections.Concurrent;
using ChatApp.Errors;
using ChatApp.Gateways;
using ChatApp.Rooms;

namespace ChatApp.Gateway.Cluster;

/// <summary>Lease renewal: what <see cref="LeaseRenewal"/> runs on its timer and after a silo left.</summary>
public sealed partial class ConnectionHub
{
    /// <summary>Lease renewals in flight at once.</summary>
    public const int RenewalsInFlight = 16;

    private long _renewals;

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
        var (rooms, users) = _sockets.Snapshot(withUsers: sessions || lapsed);
        // A few renewals at a time: all at once, 10,000 users' renewals flooded the silos every 20 s
        // and held up live messages for 100-300 ms (bench/README.md, fanout timeline). Rooms go
        // first: a relay that forgot this gateway is a room whose events stopped arriving.
        var failures = new ConcurrentQueue<Exception>();
        var pace = new ParallelOptions { MaxDegreeOfParallelism = RenewalsInFlight, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(rooms, pace, async (room, _) => await Recording(RenewWatchAsync(room), failures));
        // Then whether the users following each room still belong to it (ConnectionHub.Membership.cs).
        var everyone = Interlocked.Increment(ref _renewals) % RecheckEveryoneEvery == 0;
        await Parallel.ForEachAsync(rooms, pace, async (room, _) => await Recording(RecheckMembersAsync(room, everyone), failures));
        await Parallel.ForEachAsync(users, pace, async (user, _) => await Recording(RenewSessionAsync(user), failures));
        if (!failures.IsEmpty)
        {
            throw new AggregateException("Some leases could not be renewed.", failures);
        }
    }

    private async Task RenewWatchAsync(string room)
    {
        if ((await Relay(room).Watch(_self.Value, _options.LeaseDuration)).IsNew)
        {
            var followers = _sockets.FollowersOf(room);
            foreach (var connection in followers)
            {
                connection.Enqueue(new Outbound.CatchUp(room));
            }
            // A new relay knows nobody online: the sessions of our followers tell it (one-way calls).
            foreach (var user in followers.Select(c => c.User).Distinct())
            {
                _ = Session(user).RefreshPresence(RoomId.Parse(room));
            }
        }
    }

    private async Task RenewSessionAsync(string user)
    {
        var newest = _sockets.ConnectionsOf(user).Select(c => c.TokenVersion).DefaultIfEmpty(-1).Max();
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
            await _sockets.CloseUserAsync(user, newest + 1);
            return;
        }
        if (_sockets.CountOf(user) == 0)
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
}
