namespace ChatApp.Users;

/// <summary>The persisted state of a user's session grain: the rooms the user belongs to, and how far they read each.</summary>
[GenerateSerializer, Alias("ChatApp.UserSessionState")]
public sealed class UserSessionState
{
    [Id(0)] public HashSet<string> Rooms { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Per room, the last seq the user has read; it only moves forward.</summary>
    [Id(1)] public Dictionary<string, long> ReadMarkers { get; set; } = new(StringComparer.Ordinal);
}
