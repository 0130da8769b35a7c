using Orleans.Concurrency;

namespace ChatApp.Users;

/// <summary>
/// One per user (key: user name): the rooms the user belongs to, and the gateways holding the
/// user's live connections. Rooms tell it of every join and leave before they answer, so the
/// list is right the moment a join returns, and it passes the change to each of the user's
/// gateways, so that a room joined on one device reaches every other device of the user.
/// It also consumes the user's stream of notices (mentions) and passes them to those gateways.
/// </summary>
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

    /// <summary>Whether a token of this credentials version is still good (not revoked by logout or a new password).</summary>
    [Alias("IsCurrent")]
    Task<bool> IsCurrent(int tokenVersion);

    /// <summary>
    /// Tells the room's relay again whether the user is online: a gateway asks when it finds the
    /// relay new (lost with its silo), so that the relay relearns its online members from their
    /// sessions instead of every session re-announcing itself on a timer.
    /// </summary>
    [OneWay, Alias("RefreshPresence")]
    Task RefreshPresence(string room);

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

    /// <summary>Summaries of the given rooms as this user sees them, unread counts included.</summary>
    [ReadOnly, Alias("Summarize")]
    Task<IReadOnlyList<Rooms.RoomSummary>> Summarize(IReadOnlyList<string> rooms);

    /// <summary>Moves the user's read marker in a room forward (never back) and tells the user's devices the new count.</summary>
    [Alias("MarkRead")]
    Task MarkRead(string room, long seq);

    /// <summary>The user typed in a room; passed to the room if the user belongs to it.</summary>
    [OneWay, Alias("Typing")]
    Task Typing(string room);

    /// <summary>Whether any gateway holds a live connection of the user.</summary>
    [ReadOnly, Alias("IsOnline")]
    Task<bool> IsOnline();

    [ReadOnly, Alias("GetRooms")]
    Task<IReadOnlyList<string>> GetRooms();

    /// <summary>The raw state, for the Orleans Dashboard and operators.</summary>
    [ReadOnly, Alias("GetState")]
    Task<UserSessionState> GetState();
}
