namespace ChatApp.Users;

/// <summary>The persisted state of a user's session grain: the rooms the user belongs to.</summary>
[GenerateSerializer, Alias("ChatApp.UserSessionState")]
public sealed class UserSessionState
{
    [Id(0)] public HashSet<string> Rooms { get; set; } = new(StringComparer.Ordinal);
}
