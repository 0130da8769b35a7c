namespace ChatApp.Users;

/// <summary>
/// A user's session as the grain holds it and the dashboard shows it: the rooms the user belongs
/// to and how far they read each. Not stored as grain state: it is read from the user's
/// <c>room_members</c> rows when the session activates.
/// </summary>
[GenerateSerializer, Alias("ChatApp.UserSessionState")]
public sealed class UserSessionState
{
    [Id(0)] public HashSet<string> Rooms { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Per room, the last seq the user has read; it only moves forward.</summary>
    [Id(1)] public Dictionary<string, long> ReadMarkers { get; set; } = new(StringComparer.Ordinal);
}
