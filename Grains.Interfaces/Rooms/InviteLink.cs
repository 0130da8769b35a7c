namespace ChatApp.Rooms;

/// <summary>
/// A new invite link as its maker sees it, the only time the code is shown: the room keeps only a
/// hash of it (<c>room_invite_links</c>). <see cref="MaxUses"/> null means no count, only the expiry.
/// </summary>
[GenerateSerializer, Immutable, Alias("ChatApp.InviteLink")]
public sealed record InviteLink(
    [property: Id(0)] string Room,
    [property: Id(1)] string Code,
    [property: Id(2)] DateTime ExpiresAt,
    [property: Id(3)] int? MaxUses);

/// <summary>The form of invite link codes: 128 random bits in base64url, 22 characters.</summary>
public static class InviteCodes
{
    public const int Length = 22;

    /// <summary>Whether the text could be a code at all; anything else is not found without a database read.</summary>
    public static bool IsWellFormed(string? code) =>
        code is { Length: Length } && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>A fresh code from the system's cryptographic generator.</summary>
    public static string New() =>
        Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// What is stored and looked up: SHA-256 of the code. The code has 128 random bits, so a plain
    /// hash is enough (no salt or stretching is needed against a guess), and a copy of the table
    /// lets nobody join.
    /// </summary>
    public static byte[] Hash(string code) => System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(code));
}
