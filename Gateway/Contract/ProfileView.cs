namespace ChatApp.Gateway.Contract;

/// <summary>
/// What anyone signed in may read of a user: the user name (the identity), the display name they
/// chose (absent when none), and the address of their avatar (absent when none; Profiles/AvatarsApi.cs).
/// </summary>
public sealed record ProfileView(string Name, string? DisplayName, string? Avatar = null);
