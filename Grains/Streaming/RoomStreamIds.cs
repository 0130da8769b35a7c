using ChatApp.Rooms;

namespace ChatApp.Streaming;

/// <summary>The stream that carries a room's events: one per room, keyed by the room's id.</summary>
public static class RoomStreamIds
{
    public static StreamId Of(string room) => StreamId.Create(ChatStreams.RoomNamespace, room);
}
