using ChatApp.Gateway.Contract;

namespace ChatApp.Gateway.Accounts;

/// <summary>
/// What a valid token says: whom it speaks for, and the credentials version it was issued
/// under, which a logout or a new password moves past.
/// </summary>
public sealed record ValidToken(UserView User, int Version);
