using ChatApp.Rooms;

namespace ChatApp.Gateways;

/// <summary>
/// Implemented once per gateway process: grains call it to push what the gateway's sockets
/// must see. Methods are void, so Orleans sends them one-way and a slow gateway never holds
/// up the room that notifies it.
/// </summary>
[Alias("ChatApp.IChatObserver")]
public interface IChatObserver : IGrainObserver
{
    /// <summary>A durable room event, for every local socket whose user belongs to the room.</summary>
    [Alias("OnRoomEvent")]
    void OnRoomEvent(RoomEvent roomEvent);

    /// <summary>Durable events of one room, in seq order, published together: each as <see cref="OnRoomEvent"/>.</summary>
    [Alias("OnRoomEvents")]
    void OnRoomEvents(IReadOnlyList<RoomEvent> roomEvents);

    /// <summary>A user joined or left a room (on some device): their local sockets start or stop receiving it.</summary>
    [Alias("OnMembershipChanged")]
    void OnMembershipChanged(Users.MembershipChange change);

    /// <summary>
    /// A member of a room came online or went offline: for the room's local followers. Two changes
    /// about one member may arrive in either order; the larger stamp is the newer.
    /// </summary>
    [Alias("OnPresence")]
    void OnPresence(PresenceChange change);

    /// <summary>Presence changes of one room heard together (the newcomers of a batch of joins): each as <see cref="OnPresence"/>.</summary>
    [Alias("OnPresences")]
    void OnPresences(IReadOnlyList<PresenceChange> changes);

    /// <summary>Someone is typing in a room: for the room's local followers but the typist.</summary>
    [Alias("OnTyping")]
    void OnTyping(TypingNotice notice);

    /// <summary>A member of a room changed their avatar or display name: for the room's local followers.</summary>
    [Alias("OnProfileChanged")]
    void OnProfileChanged(Users.ProfileNotice notice);

    /// <summary>A user's unread count changed: for every local socket of that user.</summary>
    [Alias("OnUnread")]
    void OnUnread(Users.UnreadChange change);

    /// <summary>A user was mentioned: for every local socket of that user, whatever room is on screen.</summary>
    [Alias("OnMention")]
    void OnMention(Users.Mention mention);

    /// <summary>A user was invited into a room: for every local socket of that user.</summary>
    [Alias("OnInvited")]
    void OnInvited(Invitation invitation);

    /// <summary>
    /// A user's tokens older than <paramref name="tokenVersion"/> were revoked (logout, new
    /// password): close every local socket of that user that signed in with one of them.
    /// </summary>
    [Alias("OnSignedOut")]
    void OnSignedOut(string user, int tokenVersion);

    /// <summary>One signed-in device of a user was signed out: close the local sockets that signed in with its tokens.</summary>
    [Alias("OnDeviceSignedOut")]
    void OnDeviceSignedOut(string user, Guid device);
}
