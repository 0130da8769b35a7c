using System.Diagnostics;
using ChatApp.Errors;
using ChatApp.Observability;
using ChatApp.Storage;
using ChatApp.Users;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace ChatApp.Rooms;

/// <summary>
/// The single writer of one room's history. Orleans runs its calls one at a time, which is
/// what lets it hand out gap-free sequence numbers without a lock or a database sequence.
/// </summary>
public sealed partial class RoomGrain(
    [PersistentState("room", StorageNames.Chat)] IPersistentState<RoomState> state,
    RoomLog log,
    Microsoft.Extensions.Options.IOptions<RoomLimits> limits,
    TimeProvider time,
    ChatMetrics metrics,
    ILogger<RoomGrain> logger) : Grain, IRoomGrain
{
    private const int JoinPageSize = 50;
    private string Id => this.GetPrimaryKeyString();
    private RoomState Room => state.State;

    // Set after a write whose outcome is unknown: the next write first re-reads the log's last seq.
    private bool _seqInDoubt = true;
    private long _lastSeq;

    public async Task<JoinResult> Join(string user)
    {
        if (!Room.Exists)
        {
            if (!RoomId.IsValid(Id))
            {
                throw new ChatException(ErrorCodes.Validation, "Room ids are 1 to 64 of a-z, 0-9, '_' and '-'.");
            }
            await EnsureRoomToSpare(user);
            Room.Exists = true;
            Room.Owner = user;
            Room.CreatedAt = ChatClock.Now(time);
            Room.Members[user] = RoomRoles.Owner;
            await Write(async () => { await log.UpsertDirectory(Id, Room); return true; });
            await AppendMembership(RoomEventKind.Join, user, joined: true);
        }
        else if (!Room.Members.ContainsKey(user))
        {
            if (Room.Banned.Contains(user))
            {
                throw new ChatException(ErrorCodes.Forbidden, "You are banned from this room.");
            }
            // A private room is entered only by invitation, and its existence is not revealed.
            if (Room.Visibility == RoomVisibility.Private)
            {
                throw NotFound();
            }
            await EnsureRoomToSpare(user);
            Room.Members[user] = RoomRoles.Member;
            await AppendMembership(RoomEventKind.Join, user, joined: true);
        }
        else
        {
            // Already a member: telling the session again repairs a join whose first telling failed.
            await TellSession(new MembershipChange(user, Id, Joined: true, _lastSeq));
        }

        var recent = await Guarded(() => log.MessagesBefore(Id, long.MaxValue, JoinPageSize));
        return new JoinResult(await Details(user), recent.Messages, _lastSeq);
    }

    public async Task Leave(string user)
    {
        EnsureMember(user);
        Room.Members.Remove(user);
        await AppendMembership(RoomEventKind.Leave, user, joined: false);
    }

    public async Task<SendResult> Send(string user, string clientMsgId, string text)
    {
        EnsureMember(user);
        MessageRules.CheckClientMsgId(clientMsgId);
        MessageRules.CheckText(text);
        await EnsureSeqKnown();

        var e = new RoomEvent(Id, _lastSeq + 1, RoomEventKind.Message, user, ChatClock.Now(time), Text: text, ClientMsgId: clientMsgId);
        var writing = Stopwatch.GetTimestamp();
        var stored = await Write(() => log.TryAppendMessage(e));
        metrics.CommitTook(writing);
        if (!stored)
        {
            var first = await Guarded(() => log.FindByClientMsgId(Id, user, clientMsgId));
            return first ?? throw new ChatException(ErrorCodes.Unavailable, "The message could not be stored; retry.");
        }

        await Committed(e);
        metrics.MessageSent();
        await NotifyMentions(e);
        return new SendResult(e.Seq, e.Ts, Repeated: false);
    }

    public async Task<long> Edit(string user, long seq, string text)
    {
        EnsureMember(user);
        MessageRules.CheckText(text);
        var target = await LiveMessage(seq);
        if (target.Sender != user)
        {
            throw new ChatException(ErrorCodes.Forbidden, "Only the author may edit a message.");
        }
        return await AppendChange(new RoomEvent(Id, 0, RoomEventKind.Edit, user, ChatClock.Now(time), Text: text, Target: seq));
    }

    public async Task<long> Delete(string user, long seq)
    {
        EnsureMember(user);
        var target = await LiveMessage(seq);
        if (target.Sender != user && !RoomPermissions.CanModerate(Room.Members[user]))
        {
            throw new ChatException(ErrorCodes.Forbidden, "Only the author, the owner or a moderator may delete a message.");
        }
        return await AppendChange(new RoomEvent(Id, 0, RoomEventKind.Delete, user, ChatClock.Now(time), Target: seq));
    }

    public async Task<RoomDetails> Create(string owner, string visibility, string topic)
    {
        if (Room.Exists)
        {
            throw new ChatException(ErrorCodes.Conflict, "A room with this id exists.");
        }
        RoomPermissions.CheckNewRoom(Id, visibility, topic);
        await EnsureRoomToSpare(owner);
        Room.Exists = true;
        Room.Owner = owner;
        Room.Visibility = visibility;
        Room.Topic = topic;
        Room.CreatedAt = ChatClock.Now(time);
        Room.Members[owner] = RoomRoles.Owner;
        await Write(async () => { await log.UpsertDirectory(Id, Room); return true; });
        await AppendMembership(RoomEventKind.Join, owner, joined: true);
        return await Details(owner);
    }

    public async Task<RoomDetails> OpenDirect(string user, string other)
    {
        if (Id != DirectRoom.IdOf(user, other) || user == other)
        {
            throw new ChatException(ErrorCodes.Validation, "A direct-message room is dm:{a}:{b} of its two users.");
        }
        if (!Room.Exists)
        {
            // Private, with two plain members and no one above them: nobody can add, kick or ban here.
            Room.Exists = true;
            Room.Owner = "";
            Room.Visibility = RoomVisibility.Private;
            Room.CreatedAt = ChatClock.Now(time);
            Room.Members[user] = RoomRoles.Member;
            Room.Members[other] = RoomRoles.Member;
            await Write(async () => { await log.UpsertDirectory(Id, Room); return true; });
            await AppendMembership(RoomEventKind.Join, user, joined: true);
            await AppendMembership(RoomEventKind.Join, user, other, joined: true);
        }
        EnsureMember(user);
        return await Details(user);
    }

    public async Task AddMember(string actor, string user)
    {
        if (actor == user)
        {
            await Join(user);
            return;
        }
        EnsureMember(actor);
        RoomPermissions.CheckCanInvite(Room.Members[actor]);
        if (Room.Banned.Contains(user))
        {
            throw new ChatException(ErrorCodes.Forbidden, "That user is banned from this room.");
        }
        if (Room.Members.ContainsKey(user))
        {
            return;
        }
        await EnsureRoomToSpare(user);
        Room.Members[user] = RoomRoles.Member;
        await AppendMembership(RoomEventKind.Join, actor, user, joined: true);
    }

    public async Task RemoveMember(string actor, string user)
    {
        if (actor == user)
        {
            await Leave(user);
            return;
        }
        EnsureMember(actor);
        if (!Room.Members.TryGetValue(user, out var role))
        {
            throw new ChatException(ErrorCodes.NotFound, "That user is not a member.");
        }
        RoomPermissions.CheckCanRemove(Room.Members[actor], role);
        Room.Members.Remove(user);
        await AppendMembership(RoomEventKind.Kick, actor, user, joined: false);
    }

    public async Task Ban(string actor, string user)
    {
        EnsureMember(actor);
        if (actor == user)
        {
            throw new ChatException(ErrorCodes.Validation, "You cannot ban yourself.");
        }
        var role = Room.Members.GetValueOrDefault(user, RoomRoles.Member);
        RoomPermissions.CheckCanRemove(Room.Members[actor], role);
        if (!Room.Banned.Add(user))
        {
            return;
        }
        // A ban may precede membership: the event records it either way.
        Room.Members.Remove(user);
        await AppendMembership(RoomEventKind.Ban, actor, user, joined: false);
    }

    public async Task SetRole(string actor, string user, string role)
    {
        EnsureMember(actor);
        RoomPermissions.CheckCanSetRole(Room.Members[actor], role);
        if (!Room.Members.TryGetValue(user, out var current))
        {
            throw new ChatException(ErrorCodes.NotFound, "That user is not a member.");
        }
        if (current == RoomRoles.Owner)
        {
            throw new ChatException(ErrorCodes.Forbidden, "The owner's role cannot be changed.");
        }
        if (current == role)
        {
            return;
        }
        Room.Members[user] = role;
        await Write(async () => { await state.WriteStateAsync(); return true; });
    }

    public Task<MessagePage> History(string user, long? before, long? after, int limit)
    {
        EnsureMember(user);
        limit = Math.Clamp(limit, 1, 200);
        return Guarded(() => after is { } a
            ? log.MessagesAfter(Id, Math.Max(a, 0), limit)
            : log.MessagesBefore(Id, before ?? long.MaxValue, limit));
    }

    public Task<EventPage> EventsAfter(string user, long afterSeq, int limit)
    {
        EnsureMember(user);
        return Guarded(() => log.EventsAfter(Id, Math.Max(afterSeq, 0), Math.Clamp(limit, 1, 1000)));
    }

    public Task<RoomDetails> GetDetails(string user)
    {
        EnsureVisibleTo(user);
        return Details(user);
    }

    public Task<bool> IsMember(string user) => Task.FromResult(Room.Exists && Room.Members.ContainsKey(user));

    public Task<RoomSummary> GetSummary(string user)
    {
        EnsureVisibleTo(user);
        return Task.FromResult(Summary(user));
    }

    public Task<RoomState> GetState() => Task.FromResult(Room);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await EnsureSeqKnown();
        await base.OnActivateAsync(cancellationToken);
    }

    /// <summary>
    /// The room as <paramref name="viewer"/> sees it. Unread counts depend on the viewer's read
    /// marker, which their session keeps and fills in; a direct-message room is titled with the
    /// other person's name.
    /// </summary>
    private RoomSummary Summary(string viewer) =>
        new(Id, DirectRoom.IsDirect(Id) ? DirectRoom.Other(Id, viewer) : Room.Topic, Room.Visibility, Room.Members.Count, _lastSeq, Unread: 0);

    /// <summary>The summary with the members, each marked online as the room's relay last heard.</summary>
    private async Task<RoomDetails> Details(string viewer)
    {
        var online = await GrainFactory.GetGrain<IRoomRelayGrain>(Id).OnlineMembers();
        return new RoomDetails(
            Summary(viewer),
            Room.Owner,
            Room.Members.OrderBy(m => m.Key, StringComparer.Ordinal)
                .Select(m => new RoomMember(m.Key, m.Value, online.Contains(m.Key))).ToList());
    }

    /// <summary>
    /// Publishes a mention on the stream of each member named with @name (not the sender); their
    /// session grain consumes it. The message is already committed: a lost notice costs only a
    /// highlight, so a failure is logged, not thrown.
    /// </summary>
    private async Task NotifyMentions(RoomEvent message)
    {
        var notices = Mentions.In(message.Text ?? "")
            .Where(name => name != message.Sender && Room.Members.ContainsKey(name))
            .Select(name => this.GetStreamProvider(ChatStreams.Provider)
                .GetStream<Mention>(StreamId.Create(ChatStreams.UserNamespace, name))
                .OnNextAsync(new Mention(name, Id, message.Seq, message.Sender)));
        try
        {
            await Task.WhenAll(notices);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPublishFailed(logger, ex, Id, message.Seq);
        }
    }

    private async Task<ChatMessage> LiveMessage(long seq)
    {
        var message = await Guarded(() => log.FindMessage(Id, seq));
        return message is { Deleted: false } ? message : throw new ChatException(ErrorCodes.NotFound, "No such message.");
    }

    private async Task<long> AppendChange(RoomEvent change)
    {
        await EnsureSeqKnown();
        var e = change with { Seq = _lastSeq + 1 };
        if (!await Write(() => log.TryAppendChange(e)))
        {
            // Deleted between our read and our write: by another call of ours, since we run one at a time.
            throw new ChatException(ErrorCodes.NotFound, "No such message.");
        }
        await Committed(e);
        return e.Seq;
    }

    private Task AppendMembership(string kind, string user, bool joined) => AppendMembership(kind, user, user, joined);

    /// <summary>Commits a membership event done by <paramref name="actor"/> to <paramref name="user"/>, then saves the state.</summary>
    private async Task AppendMembership(string kind, string actor, string user, bool joined)
    {
        await EnsureSeqKnown();
        var e = new RoomEvent(Id, _lastSeq + 1, kind, actor, ChatClock.Now(time), User: user);
        await Write(async () => { await log.Append(e); return true; });
        await Committed(e);
        await Write(async () => { await state.WriteStateAsync(); return true; });
        await TellSession(new MembershipChange(user, Id, joined, e.Seq) { Event = joined ? null : e });
    }

    /// <summary>Records a committed event and publishes it; the client's acknowledgement does not wait on delivery.</summary>
    private async Task Committed(RoomEvent e)
    {
        _lastSeq = e.Seq;
        Room.LastSeq = e.Seq;
        try
        {
            await RoomStream().OnNextAsync(e);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The event is durable; gateways notice the gap at the next event and repair it from the log.
            LogPublishFailed(logger, ex, Id, e.Seq);
        }
    }

    /// <summary>
    /// The user's session learns of the change before the caller hears back, so that the user's
    /// room list, search and other devices agree with the room the moment a join returns.
    /// </summary>
    private Task TellSession(MembershipChange change) =>
        GrainFactory.GetGrain<IUserSessionGrain>(change.User).ApplyMembership(change);

    private IAsyncStream<RoomEvent> RoomStream() =>
        this.GetStreamProvider(ChatStreams.Provider).GetStream<RoomEvent>(StreamId.Create(ChatStreams.RoomNamespace, Id));

    private async Task EnsureSeqKnown()
    {
        if (_seqInDoubt)
        {
            _lastSeq = await Guarded(() => log.LastSeq(Id));
            Room.LastSeq = _lastSeq;
            _seqInDoubt = false;
        }
    }

    /// <summary>
    /// A durable write. If it fails we cannot know whether it committed, and the in-memory state
    /// may be ahead of storage: the seq is re-read before the next write, and the grain
    /// deactivates so that its next activation reloads what storage really holds.
    /// </summary>
    private async Task<bool> Write(Func<Task<bool>> write)
    {
        try
        {
            return await Guarded(write);
        }
        catch
        {
            _seqInDoubt = true;
            this.DeactivateOnIdle();
            throw;
        }
    }

    private static Task<T> Guarded<T>(Func<Task<T>> work) => DatabaseFaults.Guard(work);

    private void EnsureMember(string user)
    {
        if (!Room.Exists || !Room.Members.ContainsKey(user))
        {
            throw Room.Exists && Room.Visibility == RoomVisibility.Public
                ? new ChatException(ErrorCodes.Forbidden, "Join the room first.")
                : NotFound();
        }
    }

    private void EnsureVisibleTo(string user)
    {
        if (!Room.Exists || (Room.Visibility == RoomVisibility.Private && !Room.Members.ContainsKey(user)))
        {
            throw NotFound();
        }
    }

    /// <summary>Refuses a new membership past the user's room cap, before anything is written.</summary>
    private async Task EnsureRoomToSpare(string user)
    {
        var rooms = await GrainFactory.GetGrain<IUserSessionGrain>(user).GetRooms();
        if (rooms.Count >= limits.Value.RoomsPerUser)
        {
            throw ChatException.RateLimited(TimeSpan.FromMinutes(1), $"A user may belong to at most {limits.Value.RoomsPerUser} rooms; leave one first.");
        }
    }

    private static ChatException NotFound() => new(ErrorCodes.NotFound, "No such room.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {Room} committed event {Seq} but could not publish it")]
    private static partial void LogPublishFailed(ILogger logger, Exception ex, string room, long seq);
}
