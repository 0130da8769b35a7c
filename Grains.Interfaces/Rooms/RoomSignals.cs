namespace ChatApp.Rooms;

/// <summary>A member of the room came online (first open connection) or went offline (last one gone).</summary>
[GenerateSerializer, Immutable, Alias("ChatApp.PresenceChange")]
public sealed record PresenceChange(
    [property: Id(0)] string Room,
    [property: Id(1)] string User,
    [property: Id(2)] bool Online);

/// <summary>A member is typing in the room: ephemeral, never stored, shown for a few seconds.</summary>
[GenerateSerializer, Immutable, Alias("ChatApp.TypingNotice")]
public sealed record TypingNotice(
    [property: Id(0)] string Room,
    [property: Id(1)] string User);
