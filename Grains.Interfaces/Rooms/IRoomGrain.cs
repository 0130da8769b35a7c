using ChatApp.Users;
using Orleans.Concurrency;

namespace ChatApp.Rooms;

/// <summary>
/// A chat room (key: room id). It alone numbers the room's events, so every durable change
/// passes through it: it checks the acting user's rights, commits the event to PostgreSQL,
/// and only then publishes it on the room's stream. Every method takes the acting user's
/// name as given by the gateway from a verified token, never from what a client wrote.
/// Reads of its in-memory state interleave with everything, so a room list never waits behind
/// a send's commit. A room calls the sessions of users it adds or removes, and waits for them;
/// sessions never call rooms, so that wait can never come back round to the room.
/// </summary>
[Alias("ChatApp.IRoomGrain")]
public interface IRoomGrain : IGrainWithStringKey
{
    /// <summary>Makes the user a member, creating the room as public with them as owner if it does not exist.</summary>
    [Alias("Join")]
    Task<JoinResult> Join(UserName user);

    /// <summary>
    /// <see cref="Join(UserName)"/> for a gateway that follows the room for the user's sockets from
    /// the reply itself: the session's notice of the join goes to the user's other gateways only.
    /// </summary>
    [Alias("JoinFromGateway")]
    Task<JoinResult> Join(UserName user, Gateways.IChatObserver joiningGateway);

    /// <summary>
    /// Several users' joins from one gateway, answered one by one in the order given, each as
    /// <see cref="Join(UserName, Gateways.IChatObserver)"/> would answer it alone: one refused does
    /// not refuse the others. The newcomers get consecutive seqs, one statement, one commit and one
    /// stream item; each is shown the room as it is after the whole batch. A gateway gathers a
    /// room's joins that arrive while its previous call to the room is in flight, so a storm of
    /// joins into one room costs a call per batch rather than per join.
    /// </summary>
    [Alias("JoinMany")]
    Task<IReadOnlyList<JoinOutcome>> JoinMany(IReadOnlyList<UserName> users, Gateways.IChatObserver joiningGateway);

    [Alias("Leave")]
    Task Leave(UserName user);

    /// <summary>Creates the room with its owner; conflict when it exists.</summary>
    [Alias("Create")]
    Task<RoomDetails> Create(UserName owner, string visibility, string topic);

    /// <summary>Opens (making it on first use) the one direct-message room of two users; its key must be <see cref="DirectRoom.IdOf"/>.</summary>
    [Alias("OpenDirect")]
    Task<RoomDetails> OpenDirect(UserName user, UserName other);

    /// <summary>
    /// Joins <paramref name="actor"/> itself, or, from the owner or a moderator, invites
    /// <paramref name="user"/>: an invitation they accept (<see cref="AcceptInvitation"/>) or decline.
    /// Nobody becomes a member of a room without asking to.
    /// </summary>
    [Alias("AddMember")]
    Task AddMember(UserName actor, UserName user);

    /// <summary>The user accepts their invitation: they join, counted against their room cap. not_found without one.</summary>
    [Alias("AcceptInvitation")]
    Task<JoinResult> AcceptInvitation(UserName user);

    /// <summary>The user declines their invitation (nothing happens without one).</summary>
    [Alias("DeclineInvitation")]
    Task DeclineInvitation(UserName user);

    /// <summary>Leaves (actor = user) or kicks (the owner or a moderator, over a lower rank).</summary>
    [Alias("RemoveMember")]
    Task RemoveMember(UserName actor, UserName user);

    /// <summary>Removes the user if a member and keeps them out for good.</summary>
    [Alias("Ban")]
    Task Ban(UserName actor, UserName user);

    /// <summary>The owner makes a member a moderator, or a moderator a member again.</summary>
    [Alias("SetRole")]
    Task SetRole(UserName actor, UserName user, string role);

    /// <summary>Sets the topic (the owner or a moderator), appending a <c>topic</c> event; returns the room.</summary>
    [Alias("SetTopic")]
    Task<RoomDetails> SetTopic(UserName actor, string topic);

    /// <summary>Lifts a ban (the owner or a moderator), appending an <c>unban</c> event; nothing happens for someone not banned.</summary>
    [Alias("Unban")]
    Task Unban(UserName actor, UserName user);

    /// <summary>
    /// The owner hands the room to another member, who becomes its owner while the old owner stays as
    /// a moderator: one <c>role</c> event for each, in one statement.
    /// </summary>
    [Alias("HandOwnership")]
    Task HandOwnership(UserName actor, UserName user);

    /// <summary>
    /// A new invite link (the owner or a moderator): a code that lets whoever holds it join, up to
    /// <paramref name="maxUses"/> times (null: no count) until it expires (<paramref name="expiresIn"/>,
    /// else the silo's default; never past its maximum).
    /// </summary>
    [Alias("CreateInviteLink")]
    Task<InviteLink> CreateInviteLink(UserName actor, int? maxUses, TimeSpan? expiresIn);

    /// <summary>Joins the user through an invite link's code; not_found for a code unknown here, used up, expired or revoked.</summary>
    [Alias("JoinByInviteLink")]
    Task<JoinResult> JoinByInviteLink(UserName user, string code);

    /// <summary>Revokes an invite link (the owner or a moderator); not_found for a code unknown here.</summary>
    [Alias("RevokeInviteLink")]
    Task RevokeInviteLink(UserName actor, string code);

    /// <summary>
    /// Stores a message once per (room, sender, clientMsgId); a repeat returns the first seq.
    /// <paramref name="replyTo"/>, when given, must be the seq of a message of this room (not_found otherwise).
    /// <paramref name="attachments"/> are uploads of the sender to this room that no message carries
    /// yet (not_found otherwise); the message carries them from then on, in the order given.
    /// </summary>
    [Alias("Send")]
    Task<SendResult> Send(UserName user, string clientMsgId, string text, long? replyTo = null, IReadOnlyList<Guid>? attachments = null);

    /// <summary>
    /// Several sends, possibly of several members, answered one by one in the order given: each as
    /// <see cref="Send"/> would answer it alone, so one refused does not refuse the others, and a
    /// clientMsgId repeated within the batch is answered with the first's seq. The sends that pass
    /// get consecutive seqs and are committed in one statement: a gateway gathers a room's sends
    /// that arrive while its previous call to the room is in flight.
    /// </summary>
    [Alias("SendMany")]
    Task<IReadOnlyList<SendOutcome>> SendMany(IReadOnlyList<MessageToSend> sends);

    /// <summary>Replaces a message's text; the author only. Returns the seq of the edit event.</summary>
    [Alias("Edit")]
    Task<long> Edit(UserName user, long seq, string text);

    /// <summary>Deletes a message, leaving a tombstone; the author, owner or a moderator. Returns the seq of the delete event.</summary>
    [Alias("Delete")]
    Task<long> Delete(UserName user, long seq);

    /// <summary>
    /// Adds the user's reaction <paramref name="emoji"/> to the message <paramref name="seq"/> and
    /// returns the seq of its reaction event; one the user already made changes nothing and returns
    /// the first event's seq. not_found for a seq that is no message or a deleted one.
    /// </summary>
    [Alias("React")]
    Task<long> React(UserName user, long seq, string emoji);

    /// <summary>Takes the user's reaction off a message and returns the seq of the unreaction event; not_found when there was none.</summary>
    [Alias("Unreact")]
    Task<long> Unreact(UserName user, long seq, string emoji);

    /// <summary>Messages before or after a seq, ascending. Reads only, so it may run beside a send.</summary>
    [AlwaysInterleave, Alias("History")]
    Task<MessagePage> History(UserName user, long? before, long? after, int limit);

    /// <summary>Log events after a seq, in order: what resume and gap repair replay.</summary>
    [AlwaysInterleave, Alias("EventsAfter")]
    Task<EventPage> EventsAfter(UserName user, long afterSeq, int limit);

    /// <summary>The room with its members; not_found for a private room the user does not belong to.</summary>
    [AlwaysInterleave, Alias("GetDetails")]
    Task<RoomDetails> GetDetails(UserName user);

    /// <summary>Whether the user belongs to the room now: the grain is the authority on membership.</summary>
    [AlwaysInterleave, Alias("IsMember")]
    Task<bool> IsMember(UserName user);

    /// <summary>
    /// Which of <paramref name="users"/> belong to the room now (none, for a room that does not
    /// exist), and the room's last seq: what a gateway's lease renewal asks about the users whose
    /// sockets follow the room, so that a removal whose one-way notice was lost still takes effect
    /// within a renewal, and a socket whose live events stopped coming is noticed.
    /// </summary>
    [AlwaysInterleave, Alias("CheckFollowers")]
    Task<FollowerCheck> CheckFollowers(IReadOnlyList<UserName> users);

    /// <summary>A page of members in name order after <paramref name="after"/> (null: the first), at most 100; who may see the room may see them.</summary>
    [AlwaysInterleave, Alias("Members")]
    Task<IReadOnlyList<RoomMember>> Members(UserName user, string? after, int limit);

    [AlwaysInterleave, Alias("GetSummary")]
    Task<RoomSummary> GetSummary(UserName user);

    /// <summary>The raw state, for the Orleans Dashboard and operators.</summary>
    [AlwaysInterleave, Alias("GetState")]
    Task<RoomStateView> GetState();
}
