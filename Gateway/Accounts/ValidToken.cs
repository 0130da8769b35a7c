using ChatApp.Gateway.Contract;

namespace ChatApp.Gateway.Accounts;

/// <summary>
/// What a valid token says: whom it speaks for, and the credentials version it was issued
/// under, which a logout or a new password moves past; and when it expires, after which a socket
/// that signed in with it is closed (SocketRevalidation).
/// </summary>
public sealed record ValidToken(UserView User, int Version)
{
    public DateTimeOffset Expires { get; init; } = DateTimeOffset.MaxValue;

    /// <summary>The signed-in device it was issued to; signing that device out refuses it.</summary>
    public Guid? Device { get; init; }
}
