using ChatApp.Rooms;

namespace ChatApp;

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

    /// <summary>A user joined or left a room (on some device): their local sockets start or stop receiving it.</summary>
    [Alias("OnMembershipChanged")]
    void OnMembershipChanged(Users.MembershipChange change);
}
