using ChatApp.Errors;
using ChatApp.Gateways;
using ChatApp.Storage;
using ChatApp.Users;
using Microsoft.Extensions.Logging;

namespace ChatApp.Rooms;

/// <summary>
/// Joining, alone (<see cref="Join(UserName, IChatObserver?)"/>) or as a gateway's batch
/// (<see cref="JoinMany"/>), through the same steps. The newcomers of a batch are one statement, one
/// commit and one stream item; when the statement refuses (one of them is at the room cap) nothing is
/// stored and each goes again alone, to be answered as it would have been alone.
/// </summary>
public sealed partial class RoomGrain
{
    public Task<JoinResult> Join(UserName user) => Join(user, joiningGateway: null);

    public async Task<JoinResult> Join(UserName user, IChatObserver? joiningGateway)
    {
        var (joined, failure) = (await JoinAll([user], joiningGateway))[0];
        if (joined is null)
        {
            // Thrown as it was, where it was: a refusal reaches the caller exactly as before batches.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure!);
        }
        return joined;
    }

    public async Task<IReadOnlyList<JoinOutcome>> JoinMany(IReadOnlyList<UserName> users, IChatObserver joiningGateway) =>
        [.. (await JoinAll(users, joiningGateway)).Select(o => o.Joined is { } joined ? JoinOutcome.Of(joined) : JoinRefusal(o.Failure!))];

    /// <summary>
    /// Joins each user in turn: the first makes the room if it does not exist; the others who may
    /// come in are committed together, and everyone who got in (or was in) is shown the room after it.
    /// </summary>
    private async Task<(JoinResult? Joined, Exception? Failure)[]> JoinAll(IReadOnlyList<UserName> users, IChatObserver? joiningGateway)
    {
        var outcomes = new (JoinResult? Joined, Exception? Failure)[users.Count];
        var newcomers = new List<int>();
        var made = new List<int>();
        var returning = new List<int>();
        var telling = new List<Task>();
        for (var i = 0; i < users.Count; i++)
        {
            var user = users[i].Value;
            var making = !Room.Exists;
            try
            {
                if (making)
                {
                    if (!RoomId.IsValid(Id))
                    {
                        throw new ChatException(ErrorCodes.Validation, RoomId.Rule);
                    }
                    await MakeRoom(user, RoomVisibility.Public, "", byJoin: true, joiningGateway);
                    made.Add(i);
                }
                else if (_members.Contains(user) || newcomers.Any(n => users[n].Value == user))
                {
                    // Already a member (or ahead in this batch): telling the session again repairs a
                    // join whose first telling failed.
                    returning.Add(i);
                }
                else
                {
                    CheckMayJoin(user);
                    newcomers.Add(i);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                outcomes[i] = (null, ex);
                // A refusal (a check, or a limit met before anything was written) leaves the room as it was.
                if (!making || !Room.Exists || ex is ChatException { Code: ErrorCodes.RateLimited })
                {
                    continue;
                }
                // Making the room failed in a write: what this activation holds of it is in doubt, and
                // it is on its way out (Write). The others are answered as that write was, and retry.
                for (var rest = i + 1; rest < users.Count; rest++)
                {
                    outcomes[rest] = (null, ex);
                }
                return outcomes;
            }
        }

        // The events, the sessions' updates and the joiners' view of the room go out together: a join
        // waits for the slowest of them, not for their sum.
        var admitted = made.Concat(await CommitNewcomers(users, newcomers, outcomes, joiningGateway, telling)).ToList();
        foreach (var i in returning)
        {
            if (!_members.Contains(users[i].Value))
            {
                // A repeat within the batch of a join that failed.
                outcomes[i] = (null, new ChatException(ErrorCodes.Unavailable, "The join could not be stored; retry."));
                continue;
            }
            telling.Add(TellSession(new MembershipChange(users[i], Id, Joined: true, _lastSeq), joiningGateway));
            admitted.Add(i);
        }
        var shown = JoinedAll([.. admitted.Select(i => users[i].Value)]);
        await Task.WhenAll(telling.Append(shown));
        var views = await shown;
        for (var n = 0; n < admitted.Count; n++)
        {
            outcomes[admitted[n]] = (views[n], null);
        }
        return outcomes;
    }

    /// <summary>Why <paramref name="user"/>, not a member, may not come in by joining; nothing when they may.</summary>
    private void CheckMayJoin(string user)
    {
        if (_members.IsBanned(user))
        {
            throw new ChatException(ErrorCodes.Forbidden, "You are banned from this room.");
        }
        // A private room is entered only by invitation, and its existence is not revealed.
        if (Room.Visibility == RoomVisibility.Private)
        {
            throw NotFound();
        }
    }

    /// <summary>
    /// Commits the newcomers' joins in one statement, or each alone when that refuses one (it is at
    /// the room cap). Returns those who got in; their events and sessions' updates are under way in
    /// <paramref name="telling"/>. A failed write fails all it held.
    /// </summary>
    private async Task<List<int>> CommitNewcomers(IReadOnlyList<UserName> users, List<int> newcomers, (JoinResult?, Exception?)[] outcomes,
        IChatObserver? joiningGateway, List<Task> telling)
    {
        if (newcomers.Count > 1)
        {
            try
            {
                await EnsureSeqKnown();
                var now = ChatClock.Now(time);
                var events = newcomers.Select((i, n) => JoinEvent(users[i], users[i], _lastSeq + 1 + n, now)).ToList();
                if (await Write(() => membership.TryAppendJoins(events, RoomRoles.Member, limits.Value.RoomsPerUser)))
                {
                    foreach (var e in events)
                    {
                        _members.Set(e.User!, RoomRoles.Member);
                    }
                    telling.Add(TellNewcomers(events, joiningGateway));
                    telling.Add(Committed(events));
                    return newcomers;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                foreach (var i in newcomers)
                {
                    outcomes[i] = (null, ex);
                }
                return [];
            }
        }
        var admitted = new List<int>();
        foreach (var i in newcomers)
        {
            try
            {
                telling.Add(await CommitJoin(users[i], users[i], RoomRoles.Member, joiningGateway));
                admitted.Add(i);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                outcomes[i] = (null, ex);
            }
        }
        return admitted;
    }

    /// <summary>
    /// Tells the newcomers' sessions of their committed joins, side by side, then announces those
    /// online to the relay in one call: one message for a batch, where each session would send its own.
    /// </summary>
    private async Task TellNewcomers(IReadOnlyList<RoomEvent> joins, IChatObserver? joiningGateway)
    {
        var told = joins
            .Select(e => GrainFactory.GetGrain<IUserSessionGrain>(e.User!).ApplyJoin(new MembershipChange(e.User!, Id, Joined: true, e.Seq), joiningGateway))
            .ToList();
        try
        {
            await Task.WhenAll(told);
        }
        finally
        {
            // Those told are announced even when another telling failed: that join is retried as a
            // member's, which announces nothing, and they would stay offline to the room until their next change.
            var online = joins.Zip(told)
                .Where(j => j.Second.IsCompletedSuccessfully && j.Second.Result is not null)
                .Select(j => new PresenceChange(Id, j.First.User!, Online: true, j.Second.Result!.Value))
                .ToList();
            if (online.Count > 0)
            {
                await GrainFactory.GetGrain<IRoomRelayGrain>(Id).PresenceMany(online);
            }
        }
    }

    /// <summary>What a joiner is shown: the room, its last messages, and the seq they follow from.</summary>
    private async Task<JoinResult> Joined(string user) => (await JoinedAll([user]))[0];

    /// <summary>What each joiner is shown, with one read of the room's presence for them all.</summary>
    private async Task<IReadOnlyList<JoinResult>> JoinedAll(IReadOnlyList<string> users)
    {
        if (users.Count == 0)
        {
            return [];
        }
        if (!_recent.IsLoaded)
        {
            _recent.Load((await Guarded(() => log.MessagesBefore(Id, long.MaxValue, JoinPageSize))).Messages);
        }
        var details = await DetailsFor(users);
        return [.. details.Select(d => new JoinResult(d, _recent.Newest, _lastSeq))];
    }

    /// <summary>
    /// One row, one event, one session update: commits <paramref name="actor"/>'s adding of
    /// <paramref name="user"/> with <paramref name="role"/>, refused when the user is already in
    /// the room cap (<see cref="RoomLimits.RoomsPerUser"/>) of rooms, direct rooms included.
    /// </summary>
    private async Task AppendJoin(string actor, string user, string role, IChatObserver? joiningGateway = null) =>
        await await CommitJoin(actor, user, role, joiningGateway);

    /// <summary>
    /// Commits the join (<see cref="AppendJoin"/>) and returns the telling of it, under way: the
    /// event published to the room's stream and the change to the user's session, side by side,
    /// as neither needs the other. The room's last seq and members are current when it returns.
    /// </summary>
    private async Task<Task> CommitJoin(string actor, string user, string role, IChatObserver? joiningGateway = null)
    {
        await EnsureSeqKnown();
        var e = JoinEvent(actor, user, _lastSeq + 1, ChatClock.Now(time));
        if (!await Write(() => membership.TryAppendJoin(e, user, role, limits.Value.RoomsPerUser)))
        {
            throw RoomCapReached();
        }
        _members.Set(user, role);
        return Task.WhenAll(Committed(e), TellNewcomers([e], joiningGateway));
    }

    private RoomEvent JoinEvent(string actor, string user, long seq, DateTime ts) =>
        new(Id, seq, RoomEventKind.Join, actor, ts, User: user);

    private JoinOutcome JoinRefusal(Exception ex) => JoinOutcome.Of(RefusalOf(ex, "join", LogJoinFailed));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {Room} could not store a join")]
    private static partial void LogJoinFailed(ILogger logger, Exception ex, string room);
}
