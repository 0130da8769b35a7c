namespace ChatApp.Rooms;

/// <summary>
/// A member of the room came online (first open connection) or went offline (last one gone).
/// <paramref name="Stamp"/> is that of the session's announcement the change reports: it only grows
/// for a user, so of two changes about the same member of a room the one with the larger stamp is
/// the newer, whichever reaches a gateway first (Orleans may deliver one-way calls out of order).
/// </summary>
[GenerateSerializer, Immutable, Alias("ChatApp.PresenceChange")]
public sealed record PresenceChange(
    [property: Id(0)] string Room,
    [property: Id(1)] string User,
    [property: Id(2)] bool Online,
    [property: Id(3)] long Stamp);

/// <summary>A member is typing in the room: ephemeral, never stored, shown for a few seconds.</summary>
[GenerateSerializer, Immutable, Alias("ChatApp.TypingNotice")]
public sealed record TypingNotice(
    [property: Id(0)] string Room,
    [property: Id(1)] string User);
