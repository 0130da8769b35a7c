namespace ChatApp.Gateway.Contract;

/// <summary>
/// A signed-in user as the contract shows one. <c>GET</c> and <c>PATCH /api/me</c> fill in the
/// display name (absent when none is chosen); the avatar is a place no feature fills yet.
/// </summary>
public sealed record UserView(long Id, Users.UserName Name, string? DisplayName = null, string? Avatar = null);
