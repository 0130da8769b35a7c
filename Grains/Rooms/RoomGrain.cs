using ChatApp.Errors;
using ChatApp.Gateways;
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
    MembershipLog membership,
    ReactionLog reactions,
    AttachmentLinks attachmentLinks,
    EmptyRooms emptyRooms,
    RoomInvitations invitations,
    RoomInviteLinks inviteLinks,
    Microsoft.Extensions.Options.IOptions<RoomLimits> limits,
    TimeProvider time,
    ChatMetrics metrics,
    ILogger<RoomGrain> logger) : Grain, IRoomGrain
{
    private const int JoinPageSize = 50;

    /// <summary>Members listed with a room; a bigger room is paged (<see cref="Members"/>) and counted.</summary>
    public const int MemberPageSize = 100;

    private string Id => this.GetPrimaryKeyString();
    private RoomState Room => state.State;
    private RoomMembers _members = new();
    private readonly RecentMessages _recent = new(JoinPageSize);

    // Set after a write whose outcome is unknown: the next write first re-reads the log's last seq.
    private bool _seqInDoubt = true;
    private long _lastSeq;

    public Task Leave(UserName user)
    {
        EnsureMember(user);
        // A room is never left without an owner while people are in it: the owner hands it on first.
        if (_members.RoleOf(user) == RoomRoles.Owner && _members.Count > 1)
        {
            throw new ChatException(ErrorCodes.Conflict, "The owner cannot leave while others are in the room; hand it to another member first.");
        }
        return AppendRemoval(RoomEventKind.Leave, user, user, ban: false);
    }

    public async Task<long> Edit(UserName user, long seq, string text)
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

    public async Task<long> Delete(UserName user, long seq)
    {
        EnsureMember(user);
        var target = await LiveMessage(seq);
        if (target.Sender != user && !RoomPermissions.CanModerate(_members.RoleOf(user)))
        {
            throw new ChatException(ErrorCodes.Forbidden, "Only the author, the owner or a moderator may delete a message.");
        }
        return await AppendChange(new RoomEvent(Id, 0, RoomEventKind.Delete, user, ChatClock.Now(time), Target: seq));
    }

    public async Task<long> React(UserName user, long seq, string emoji)
    {
        EnsureMember(user);
        ReactionRules.CheckEmoji(emoji);
        await EnsureSeqKnown();
        var e = new RoomEvent(Id, _lastSeq + 1, RoomEventKind.Reaction, user, ChatClock.Now(time), Target: seq, Emoji: emoji);
        if (!await Write(() => reactions.TryAppendReaction(e)))
        {
            // Made before (answered with its event, nothing new stored), or no live message to react to.
            var (live, first) = await Guarded(() => reactions.Find(Id, seq, emoji, user));
            return live && first is { } firstSeq ? firstSeq : throw NoSuchMessage();
        }
        _recent.Changed(seq, m => m with { Reactions = ReactionLists.With(m.Reactions, emoji, user) });
        await Committed(e);
        return e.Seq;
    }

    public async Task<long> Unreact(UserName user, long seq, string emoji)
    {
        EnsureMember(user);
        ReactionRules.CheckEmoji(emoji);
        await EnsureSeqKnown();
        var e = new RoomEvent(Id, _lastSeq + 1, RoomEventKind.Unreaction, user, ChatClock.Now(time), Target: seq, Emoji: emoji);
        if (!await Write(() => reactions.TryRemoveReaction(e)))
        {
            throw new ChatException(ErrorCodes.NotFound, "No such reaction.");
        }
        _recent.Changed(seq, m => m with { Reactions = ReactionLists.Without(m.Reactions, emoji, user) });
        await Committed(e);
        return e.Seq;
    }

    public async Task<RoomDetails> Create(UserName owner, string visibility, string topic)
    {
        if (Room.Exists)
        {
            throw new ChatException(ErrorCodes.Conflict, "A room with this id exists.");
        }
        RoomPermissions.CheckNewRoom(Id, visibility, topic);
        await MakeRoom(owner, visibility, topic, byJoin: false);
        return await Details(owner);
    }

    public async Task<RoomDetails> OpenDirect(UserName user, UserName other)
    {
        if (Id != DirectRoom.IdOf(user, other) || user == other)
        {
            throw new ChatException(ErrorCodes.Validation, "A direct-message room is dm:{a}:{b} of its two users.");
        }
        if (!Room.Exists)
        {
            // A conversation counts toward both people's room cap, like any room, and new ones are
            // rate limited per opener: otherwise opening conversations would be a way round the cap.
            // Both caps are checked before anything is written, so a refusal leaves no half-made room.
            foreach (var member in new[] { user, other })
            {
                if (await Guarded(() => membership.RoomCountOf(member)) >= limits.Value.RoomsPerUser)
                {
                    throw member == user
                        ? RoomCapReached()
                        : ChatException.RateLimited(TimeSpan.FromMinutes(1), "That user belongs to as many rooms as they may.");
                }
            }
            await GrainFactory.GetGrain<IUserSessionGrain>(user).TakeDirectRoom();
            // Private, with two plain members and no one above them: nobody can add, kick or ban here.
            await SaveNewRoom(owner: "", RoomVisibility.Private, "");
            await AppendJoin(user, user, RoomRoles.Member);
            await AppendJoin(user, other, RoomRoles.Member);
        }
        EnsureMember(user);
        return await Details(user);
    }

    public async Task AddMember(UserName actor, UserName user)
    {
        if (actor == user)
        {
            await Join(user);
            return;
        }
        EnsureMember(actor);
        RoomPermissions.CheckCanInvite(_members.RoleOf(actor));
        if (_members.IsBanned(user))
        {
            throw new ChatException(ErrorCodes.Forbidden, "That user is banned from this room.");
        }
        if (_members.Contains(user))
        {
            return;
        }
        // An invitation, not a membership: the invitee decides (AcceptInvitation), and only then
        // does the room count against their cap. Pending invitations are capped per invitee.
        var invitation = new Invitation(Id, user, actor, Room.Topic, ChatClock.Now(time));
        if (!await invitations.TryAdd(invitation, limits.Value.PendingInvitationsPerUser))
        {
            throw ChatException.RateLimited(TimeSpan.FromMinutes(1), "That user has too many invitations waiting for an answer.");
        }
        _ = GrainFactory.GetGrain<IUserSessionGrain>(user).Invited(invitation);
    }

    public async Task<JoinResult> AcceptInvitation(UserName user)
    {
        if (!Room.Exists)
        {
            // The room was collected (its members all left) after the invitation was made.
            await invitations.Remove(Id, user);
            throw new ChatException(ErrorCodes.NotFound, "No such invitation.");
        }
        if (!await invitations.Exists(Id, user))
        {
            throw new ChatException(ErrorCodes.NotFound, "No such invitation.");
        }
        if (_members.IsBanned(user))
        {
            await invitations.Remove(Id, user);
            throw new ChatException(ErrorCodes.Forbidden, "You are banned from this room.");
        }
        if (!_members.Contains(user))
        {
            // Refused past the user's room cap, and then the invitation stays for later.
            await AppendJoin(user, user, RoomRoles.Member);
        }
        await invitations.Remove(Id, user);
        return await Joined(user);
    }

    public async Task DeclineInvitation(UserName user) => await invitations.Remove(Id, user);

    public async Task RemoveMember(UserName actor, UserName user)
    {
        if (actor == user)
        {
            await Leave(user);
            return;
        }
        EnsureMember(actor);
        if (!_members.TryGetRole(user, out var role))
        {
            throw new ChatException(ErrorCodes.NotFound, "That user is not a member.");
        }
        RoomPermissions.CheckCanRemove(_members.RoleOf(actor), role);
        await AppendRemoval(RoomEventKind.Kick, actor, user, ban: false);
    }

    public async Task Ban(UserName actor, UserName user)
    {
        EnsureMember(actor);
        if (actor == user)
        {
            throw new ChatException(ErrorCodes.Validation, "You cannot ban yourself.");
        }
        var role = _members.TryGetRole(user, out var current) ? current : RoomRoles.Member;
        RoomPermissions.CheckCanRemove(_members.RoleOf(actor), role);
        if (_members.IsBanned(user))
        {
            return;
        }
        // A ban may precede membership: the event records it either way.
        await AppendRemoval(RoomEventKind.Ban, actor, user, ban: true);
    }

    public async Task SetRole(UserName actor, UserName user, string role)
    {
        EnsureMember(actor);
        RoomPermissions.CheckCanSetRole(_members.RoleOf(actor), role);
        if (!_members.TryGetRole(user, out var current))
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
        await AppendRoles([new RoomEvent(Id, 0, RoomEventKind.Role, actor, ChatClock.Now(time), User: user, Role: role)]);
    }

    public Task<MessagePage> History(UserName user, long? before, long? after, int limit)
    {
        EnsureMember(user);
        limit = Math.Clamp(limit, 1, 200);
        return Guarded(() => after is { } a
            ? log.MessagesAfter(Id, Math.Max(a, 0), limit)
            : log.MessagesBefore(Id, before ?? long.MaxValue, limit));
    }

    public Task<EventPage> EventsAfter(UserName user, long afterSeq, int limit)
    {
        EnsureMember(user);
        return Guarded(() => log.EventsAfter(Id, Math.Max(afterSeq, 0), Math.Clamp(limit, 1, 1000)));
    }

    public Task<RoomDetails> GetDetails(UserName user)
    {
        EnsureVisibleTo(user);
        return Details(user);
    }

    public Task<bool> IsMember(UserName user) => Task.FromResult(Room.Exists && _members.Contains(user));

    public Task<FollowerCheck> CheckFollowers(IReadOnlyList<UserName> users) =>
        Task.FromResult(new FollowerCheck(Room.Exists ? [.. users.Where(user => _members.Contains(user))] : [], _lastSeq));

    public Task<RoomSummary> GetSummary(UserName user)
    {
        EnsureVisibleTo(user);
        return Task.FromResult(Summary(user));
    }

    public async Task<IReadOnlyList<RoomMember>> Members(UserName user, string? after, int limit)
    {
        EnsureVisibleTo(user);
        return await WithPresence(_members.Page(after, Math.Clamp(limit, 1, MemberPageSize)));
    }

    public Task<RoomStateView> GetState() => Task.FromResult(new RoomStateView(
        Room.Exists, Room.Owner, Room.Visibility, Room.Topic, Room.CreatedAt, _lastSeq, _members.Count, _members.BannedCount,
        _members.Page(after: null, MemberPageSize).ToDictionary(m => m.User, m => m.Role, StringComparer.Ordinal)));

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await EnsureSeqKnown();
        if (Room.Exists)
        {
            _members = await Guarded(() => membership.Load(Id));
        }
        await base.OnActivateAsync(cancellationToken);
    }

    /// <summary>
    /// The room as <paramref name="viewer"/> sees it. Unread counts depend on the viewer's read
    /// marker, which their session keeps and fills in; a direct-message room is titled with the
    /// other person's name.
    /// </summary>
    private RoomSummary Summary(string viewer) =>
        new(Id, DirectRoom.IsDirect(Id) ? DirectRoom.Other(Id, viewer) : Room.Topic, Room.Visibility, _members.Count, _lastSeq, Unread: 0);

    /// <summary>
    /// The summary with the first page of members and the viewer among them, each marked online as
    /// the room's relay last heard: what a join costs does not grow with the room.
    /// </summary>
    private async Task<RoomDetails> Details(string viewer) => (await DetailsFor([viewer]))[0];

    /// <summary>
    /// <see cref="Details"/> for several viewers, with one read of the room's presence for them all.
    /// Viewers listed on the first page share one list, so a batch's reply carries it once (Orleans
    /// serializes an object met twice in one message as a reference to the first).
    /// </summary>
    private async Task<IReadOnlyList<RoomDetails>> DetailsFor(IReadOnlyList<string> viewers)
    {
        var page = _members.Page(after: null, MemberPageSize);
        var listed = page.Select(m => m.User).ToHashSet(StringComparer.Ordinal);
        var outside = viewers.Where(viewer => !listed.Contains(viewer) && _members.Contains(viewer)).Distinct(StringComparer.Ordinal).ToList();
        var online = await GrainFactory.GetGrain<IRoomRelayGrain>(Id).OnlineAmong([.. listed, .. outside]);
        RoomMember Member(string user, string role) => new(user, role, online.Contains(user));
        IReadOnlyList<RoomMember> shared = [.. page.Select(m => Member(m.User, m.Role))];
        return [.. viewers.Select(viewer => new RoomDetails(Summary(viewer), Room.Owner,
            !listed.Contains(viewer) && _members.TryGetRole(viewer, out var role) ? [.. shared, Member(viewer, role)] : shared))];
    }

    private async Task<IReadOnlyList<RoomMember>> WithPresence(IReadOnlyList<(string User, string Role)> members)
    {
        var online = await GrainFactory.GetGrain<IRoomRelayGrain>(Id).OnlineAmong([.. members.Select(m => m.User)]);
        return [.. members.Select(m => new RoomMember(m.User, m.Role, online.Contains(m.User)))];
    }

    /// <summary>
    /// Tells the session of each member named with @name (not the sender), which passes it to
    /// their devices. One-way calls: the message is already committed, and a lost notice costs only
    /// a highlight (the unread mention count, read from the log, still shows it).
    /// </summary>
    private void NotifyMentions(RoomEvent message)
    {
        foreach (var name in Mentions.In(message.Text ?? "").Where(name => name != message.Sender && _members.Contains(name)))
        {
            _ = GrainFactory.GetGrain<IUserSessionGrain>(name).Notify(new Mention(name, Id, message.Seq, message.Sender));
        }
    }

    private async Task<ChatMessage> LiveMessage(long seq)
    {
        var message = await Guarded(() => log.FindMessage(Id, seq));
        return message is { Deleted: false } ? message : throw NoSuchMessage();
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
        _recent.Changed(e.Target!.Value, m => e.Kind == RoomEventKind.Delete
            ? m with { Deleted = true, Text = "", Reactions = [], Attachments = [] }
            : m with { Text = e.Text ?? "", EditedTs = e.Ts });
        await Committed(e);
        return e.Seq;
    }

    /// <summary>
    /// Stores the new room (directory row and grain state), then its maker's join as owner. A room
    /// made by joining an unused id counts against the maker's creation rate, kept by their session.
    /// </summary>
    private async Task MakeRoom(string owner, string visibility, string topic, bool byJoin, IChatObserver? joiningGateway = null)
    {
        var cap = limits.Value.RoomsPerUser;
        // Checked before anything is written, so that a refused maker leaves no empty room behind.
        if (await Guarded(() => membership.RoomCountOf(owner)) >= cap)
        {
            throw RoomCapReached();
        }
        if (byJoin)
        {
            await GrainFactory.GetGrain<IUserSessionGrain>(owner).TakeRoomCreation();
        }
        await SaveNewRoom(owner, visibility, topic);
        await AppendJoin(owner, owner, RoomRoles.Owner, joiningGateway);
    }

    private async Task SaveNewRoom(string owner, string visibility, string topic)
    {
        Room.Exists = true;
        Room.Owner = owner;
        Room.Visibility = visibility;
        Room.Topic = topic;
        Room.CreatedAt = ChatClock.Now(time);
        await Write(async () => { await log.UpsertDirectory(Id, Room); return true; });
        await Write(async () => { await state.WriteStateAsync(); return true; });
    }

    /// <summary>Commits a leave, kick or ban of <paramref name="user"/> by <paramref name="actor"/>, and removes the row.</summary>
    private async Task AppendRemoval(string kind, string actor, string user, bool ban)
    {
        await EnsureSeqKnown();
        var e = new RoomEvent(Id, _lastSeq + 1, kind, actor, ChatClock.Now(time), User: user);
        await Write(async () => { await membership.AppendRemoval(e, user, ban); return true; });
        if (ban)
        {
            _members.Ban(user);
        }
        else
        {
            _members.Remove(user);
        }
        await Committed(e);
        await TellSession(new MembershipChange(user, Id, Joined: false, e.Seq) { Event = e });
        if (_members.Count == 0 && _members.BannedCount == 0)
        {
            await CollectIfUnused();
        }
    }

    /// <summary>
    /// The last member left: a room that never had a message (nor a ban to keep) is forgotten, its
    /// id free again, so that rooms made by joining and left at once do not pile up in the
    /// directory. A failure leaves the room as it is; nothing depends on its going.
    /// </summary>
    private async Task CollectIfUnused()
    {
        try
        {
            if (!await emptyRooms.Forget(Id))
            {
                return;
            }
            await state.ClearStateAsync();
            state.State = new RoomState();
            _members = new RoomMembers();
            _recent.Forget();
            this.DeactivateOnIdle();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCollectFailed(logger, ex, Id);
        }
    }

    /// <summary>Records a committed event and publishes it; the client's acknowledgement does not wait on delivery.</summary>
    private Task Committed(RoomEvent e) => Committed([e]);

    /// <summary>Records committed events, in seq order, and publishes them as one stream item.</summary>
    private Task Committed(IReadOnlyList<RoomEvent> events)
    {
        _lastSeq = events[^1].Seq;
        return Publish(events);
    }

    /// <summary>
    /// Publishes committed events, in seq order, as one stream item: one queue entry and one
    /// delivery to the relay however many there are.
    /// </summary>
    private async Task Publish(IReadOnlyList<RoomEvent> events)
    {
        try
        {
            await RoomStream().OnNextBatchAsync(events);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The events are durable; gateways notice the gap at the next event and repair it from the log.
            LogPublishFailed(logger, ex, Id, events[0].Seq);
        }
    }

    /// <summary>
    /// The user's session learns of the change before the caller hears back, so that the user's
    /// room list, search and other devices agree with the room the moment a join returns.
    /// </summary>
    /// <remarks>
    /// The gateway that made a join follows the room for the user's sockets from the reply: a
    /// notice to it as well would be a message it ignores (one of about 15 per join).
    /// </remarks>
    private Task TellSession(MembershipChange change, IChatObserver? joiningGateway = null) =>
        joiningGateway is null
            ? GrainFactory.GetGrain<IUserSessionGrain>(change.User).ApplyMembership(change)
            : GrainFactory.GetGrain<IUserSessionGrain>(change.User).ApplyMembership(change, joiningGateway);

    private IAsyncStream<RoomEvent> RoomStream() =>
        this.GetStreamProvider(ChatStreams.Provider).GetStream<RoomEvent>(StreamId.Create(ChatStreams.RoomNamespace, Id));

    private async Task EnsureSeqKnown()
    {
        if (_seqInDoubt)
        {
            _lastSeq = await Guarded(() => log.LastSeq(Id));
            _seqInDoubt = false;
        }
    }

    /// <summary>
    /// What a caller is told when a change of <paramref name="what"/> failed: a refusal as thrown;
    /// anything else is logged and answered "retry", since the write's outcome is unknown.
    /// </summary>
    private ChatException RefusalOf(Exception ex, string what, Action<ILogger, Exception, string> logFailure)
    {
        if (ex is ChatException refused)
        {
            return refused;
        }
        logFailure(logger, ex, Id);
        return new ChatException(ErrorCodes.Unavailable, $"The {what} could not be stored; retry.");
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
            _recent.Forget();
            this.DeactivateOnIdle();
            throw;
        }
    }

    private static Task<T> Guarded<T>(Func<Task<T>> work) => DatabaseFaults.Guard(work);

    private void EnsureMember(string user)
    {
        if (!Room.Exists || !_members.Contains(user))
        {
            throw Room.Exists && Room.Visibility == RoomVisibility.Public
                ? new ChatException(ErrorCodes.Forbidden, "Join the room first.")
                : NotFound();
        }
    }

    private void EnsureVisibleTo(string user)
    {
        if (!Room.Exists || (Room.Visibility == RoomVisibility.Private && !_members.Contains(user)))
        {
            throw NotFound();
        }
    }

    private ChatException RoomCapReached() =>
        ChatException.RateLimited(TimeSpan.FromMinutes(1), $"A user may belong to at most {limits.Value.RoomsPerUser} rooms; leave one first.");

    private static ChatException NoSuchMessage() => new(ErrorCodes.NotFound, "No such message.");

    private static ChatException NoSuchAttachment() =>
        new(ErrorCodes.NotFound, "No such attachment: attach only your own uploads to this room, each to one message.");

    private static ChatException NotFound() => new(ErrorCodes.NotFound, "No such room.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {Room} is empty and unused but could not be collected")]
    private static partial void LogCollectFailed(ILogger logger, Exception ex, string room);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {Room} committed event {Seq} but could not publish it")]
    private static partial void LogPublishFailed(ILogger logger, Exception ex, string room, long seq);
}
