namespace ChatApp.Rooms;

/// <summary>Names of the Orleans stream provider and namespaces that carry chat events.</summary>
public static class ChatStreams
{
    public const string Provider = "chat";

    /// <summary>One stream per room (key: room id) carrying its <see cref="RoomEvent"/>s in seq order.</summary>
    public const string RoomNamespace = "room";
}
