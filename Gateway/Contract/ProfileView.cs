namespace ChatApp.Gateway.Contract;

/// <summary>
/// What anyone signed in may read of a user: the user name (the identity), the display name they
/// chose (absent when none), and the address of their avatar (absent when none; Profiles/AvatarsApi.cs).
/// <paramref name="Stamp"/>, on the profiles <c>/api/users</c> reads, orders a read among the
/// <c>profile</c> notices: the database's clock when it was read, in microseconds.
/// </summary>
public sealed record ProfileView(string Name, string? DisplayName, string? Avatar = null, long? Stamp = null);
