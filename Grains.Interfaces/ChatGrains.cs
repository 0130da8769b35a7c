using ChatApp.Rooms;
using ChatApp.Users;

namespace ChatApp;

/// <summary>The grains named by the typed keys (a room, its relay, a user's session), and the room lists' worker.</summary>
public static class ChatGrains
{
    public static IRoomGrain Room(this IGrainFactory grains, RoomId id) => grains.GetGrain<IRoomGrain>(id.Value);

    public static IRoomRelayGrain Relay(this IGrainFactory grains, RoomId id) => grains.GetGrain<IRoomRelayGrain>(id.Value);

    public static IRoomListGrain RoomList(this IGrainFactory grains) => grains.GetGrain<IRoomListGrain>(0);

    public static IUserSessionGrain Session(this IGrainFactory grains, UserName user) => grains.GetGrain<IUserSessionGrain>(user.Value);
}
