using System.Security.Cryptography;
using ChatApp.Users;
using Npgsql;

namespace ChatApp.Gateway.Profiles;

/// <summary>
/// Users' avatars in PostgreSQL (sql/0021): one re-encoded picture per user, with the version that
/// names it in its address. Changed only by its owner (the gateway passes the token's user).
/// </summary>
public sealed class UserAvatars(NpgsqlDataSource db)
{
    /// <summary>Where a user's avatar of this version is served; the version changes with the picture.</summary>
    public static string Address(string user, string version) =>
        $"/api/users/{Uri.EscapeDataString(user)}/avatar/{version}";

    /// <summary>A picture's version: the start of its SHA-256, enough to tell one user's pictures apart.</summary>
    public static string VersionOf(byte[] image) => Convert.ToHexStringLower(SHA256.HashData(image).AsSpan(0, 8));

    /// <summary>Makes <paramref name="image"/> the user's avatar, in place of any other, and returns its version.</summary>
    public async Task<string> Set(UserName user, byte[] image, CancellationToken cancellationToken)
    {
        var version = VersionOf(image);
        await using var cmd = db.CreateCommand("""
            INSERT INTO user_avatars (user_name, version, image) VALUES ($1, $2, $3)
            ON CONFLICT (user_name) DO UPDATE SET version = excluded.version, image = excluded.image, updated_at = now()
            """);
        cmd.Parameters.AddWithValue(user.Value);
        cmd.Parameters.AddWithValue(version);
        cmd.Parameters.AddWithValue(image);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
        return version;
    }

    /// <summary>Removes the user's avatar, if any: the user is shown without one.</summary>
    public async Task Remove(UserName user, CancellationToken cancellationToken)
    {
        await using var cmd = db.CreateCommand("DELETE FROM user_avatars WHERE user_name = $1");
        cmd.Parameters.AddWithValue(user.Value);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The user's picture if <paramref name="version"/> is the one they have now, else null: an old
    /// address must not answer with a newer picture, since a browser keeps what an address gave.
    /// </summary>
    public async Task<byte[]?> Read(UserName user, string version, CancellationToken cancellationToken)
    {
        await using var cmd = db.CreateCommand("SELECT image FROM user_avatars WHERE user_name = $1 AND version = $2");
        cmd.Parameters.AddWithValue(user.Value);
        cmd.Parameters.AddWithValue(version);
        return await cmd.ExecuteScalarAsync(cancellationToken) as byte[];
    }
}
