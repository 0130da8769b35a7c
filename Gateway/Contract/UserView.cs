namespace ChatApp.Gateway.Contract;

/// <summary>
/// A signed-in user as the contract shows one. <c>GET</c> and <c>PATCH /api/me</c> fill in the
/// display name (absent when none is chosen) and the avatar's address (absent when none).
/// </summary>
public sealed record UserView(long Id, Users.UserName Name, string? DisplayName = null, string? Avatar = null);
