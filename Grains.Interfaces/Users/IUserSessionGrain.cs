using ChatApp.Gateways;
using Orleans.Concurrency;

namespace ChatApp.Users;

/// <summary>
/// One per user (key: user name): the rooms the user belongs to, and the gateways holding the
/// user's live connections. Every notice meant for the user alone (a join or leave on any device,
/// a mention, an unread count, a sign-out) reaches their gateways through here, one path: rooms
/// tell it of every join and leave before they answer, so the list is right the moment a join
/// returns, and of mentions without waiting.
/// </summary>
/// <remarks>
/// Calls go one way only: rooms call sessions, never the reverse. A session reads what it needs
/// of a room from PostgreSQL (unread counts, how far there is to read), so a room waiting on a
/// session can never be waiting on itself, and a user's room operations may run side by side.
/// </remarks>
[Alias("ChatApp.IUserSessionGrain")]
public interface IUserSessionGrain : IGrainWithStringKey
{
    /// <summary>
    /// Registers a gateway holding this user's sockets and returns the user's rooms. The gateway
    /// is held until it detaches or its <see cref="Gateways.IGatewayLeaseGrain"/> lapses, which
    /// <paramref name="lease"/> extends to at least that long.
    /// </summary>
    [Alias("Attach")]
    Task<IReadOnlyList<string>> Attach(IChatObserver gateway, TimeSpan lease);

    /// <summary>
    /// Attach for a socket that signed in with a token of <paramref name="tokenVersion"/>: refused
    /// with <c>unauthorized</c> when the user's tokens of that version were revoked. The session
    /// knows the current version, so a hello costs no database query.
    /// </summary>
    [Alias("AttachSignedIn")]
    Task<IReadOnlyList<string>> Attach(IChatObserver gateway, TimeSpan lease, int tokenVersion);

    /// <summary>
    /// The same for a socket whose token was issued to a signed-in <paramref name="device"/>, also
    /// refused when that device was signed out on its own: a hello is one call to the session.
    /// </summary>
    [Alias("AttachOnDevice")]
    Task<IReadOnlyList<string>> Attach(IChatObserver gateway, TimeSpan lease, int tokenVersion, Guid device);

    /// <summary>Whether a token of this credentials version is still good (not revoked by logout or a new password).</summary>
    [Alias("IsCurrent")]
    Task<bool> IsCurrent(int tokenVersion);

    /// <summary>The same for a token issued to a signed-in device, which also must not have been signed out on its own.</summary>
    [Alias("IsCurrentOnDevice")]
    Task<bool> IsCurrent(int tokenVersion, Guid device);

    /// <summary>
    /// One signed-in device of the user was signed out (its row in <c>auth_sessions</c> is ended
    /// already): its tokens are refused from now on, and every gateway closes its sockets.
    /// </summary>
    [Alias("SignOutDevice")]
    Task SignOutDevice(Guid device);

    /// <summary>
    /// Tells the room's relay again whether the user is online: a gateway asks when it finds the
    /// relay new (lost with its silo), so that the relay relearns its online members from their
    /// sessions instead of every session re-announcing itself on a timer.
    /// </summary>
    [OneWay, Alias("RefreshPresence")]
    Task RefreshPresence(Rooms.RoomId room);

    [Alias("Detach")]
    Task Detach(IChatObserver gateway);

    /// <summary>
    /// The user's tokens older than <paramref name="tokenVersion"/> were just revoked: every
    /// gateway holding a socket of the user closes those, so that logging out, or changing the
    /// password, on one device ends the sessions of all.
    /// </summary>
    [Alias("SignOut")]
    Task SignOut(int tokenVersion);

    /// <summary>Records a committed join or leave and tells the user's gateways. Idempotent.</summary>
    [Alias("ApplyMembership")]
    Task ApplyMembership(MembershipChange change);

    /// <summary>
    /// <see cref="ApplyMembership(MembershipChange)"/> for a change <paramref name="alreadyTold"/>
    /// hears of in its own reply (the gateway that made the join): the others are told.
    /// </summary>
    [Alias("ApplyMembershipToldBy")]
    Task ApplyMembership(MembershipChange change, Gateways.IChatObserver alreadyTold);

    /// <summary>
    /// <see cref="ApplyMembership(MembershipChange, Gateways.IChatObserver)"/> for a join the room has
    /// just committed. The session does not announce the user's presence in the room itself: it returns
    /// the stamp to announce it with (null when there is nothing to announce: the user is offline, or was
    /// in the room already), and the room announces its newcomers, a whole batch of them, in one call to its relay.
    /// </summary>
    [Alias("ApplyJoin")]
    Task<long?> ApplyJoin(MembershipChange change, Gateways.IChatObserver? alreadyTold);

    /// <summary>The user's unread messages and mentions in each of the given rooms they belong to (others are left out).</summary>
    [ReadOnly, Alias("UnreadIn")]
    Task<IReadOnlyDictionary<string, UnreadCount>> UnreadIn(IReadOnlyList<Rooms.RoomId> rooms);

    /// <summary>
    /// Moves the user's read marker in a room forward (never back, never past the room's last
    /// event) and tells the user's devices the new count.
    /// </summary>
    [Alias("MarkRead")]
    Task MarkRead(Rooms.RoomId room, long seq);

    /// <summary>The user was mentioned in a room they belong to: for every device of theirs, whatever room is on screen.</summary>
    [OneWay, Alias("Notify")]
    Task Notify(Mention mention);

    /// <summary>The user typed in a room; passed to the room if the user belongs to it.</summary>
    [OneWay, Alias("Typing")]
    Task Typing(Rooms.RoomId room);

    /// <summary>
    /// The user changed their profile (avatar or display name): passed to every room they belong
    /// to, so that the pages showing them there show the change without a reload.
    /// </summary>
    [OneWay, Alias("ProfileChanged")]
    Task ProfileChanged(ProfileChange change);

    /// <summary>Whether any gateway holds a live connection of the user.</summary>
    [ReadOnly, Alias("IsOnline")]
    Task<bool> IsOnline();

    [ReadOnly, Alias("GetRooms")]
    Task<IReadOnlyList<string>> GetRooms();

    /// <summary>
    /// Whether the user belongs to the room, as the session's list has it: what a gateway asks
    /// before passing on a frame for a room its socket does not follow, so that a made-up room id
    /// answers <c>not_found</c> without waking a room grain (which reads the database).
    /// </summary>
    [ReadOnly, Alias("BelongsTo")]
    Task<bool> BelongsTo(Rooms.RoomId room);

    /// <summary>
    /// Takes one of the user's room creations by <c>join</c>, or refuses with <c>rate_limited</c>:
    /// a room grain asks before a join makes a new room, so that joining made-up ids cannot fill
    /// the room directory. Counted here, once per user for the whole cluster.
    /// </summary>
    [Alias("TakeRoomCreation")]
    Task TakeRoomCreation();

    /// <summary>Takes one of the user's new direct-message rooms, or refuses with <c>rate_limited</c>.</summary>
    [Alias("TakeDirectRoom")]
    Task TakeDirectRoom();

    /// <summary>The user's pending invitations to rooms, newest first.</summary>
    [ReadOnly, Alias("Invitations")]
    Task<IReadOnlyList<Rooms.Invitation>> Invitations();

    /// <summary>The user was invited into a room: for every device of theirs.</summary>
    [OneWay, Alias("Invited")]
    Task Invited(Rooms.Invitation invitation);

    /// <summary>The raw state, for the Orleans Dashboard and operators.</summary>
    [ReadOnly, Alias("GetState")]
    Task<UserSessionState> GetState();
}
