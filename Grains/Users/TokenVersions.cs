using ChatApp.Storage;
using Npgsql;

namespace ChatApp.Users;

/// <summary>
/// Reads a user's credentials version from the users table, where logout and password changes
/// move it forward. Sessions ask once per activation, so a <c>hello</c> costs no query of its own.
/// </summary>
public sealed class TokenVersions(NpgsqlDataSource db)
{
    /// <summary>The current version, or null for a user the table does not know.</summary>
    public Task<int?> Read(string user) => DatabaseFaults.Guard(async () =>
    {
        await using var cmd = db.CreateCommand("SELECT token_version FROM users WHERE name = $1");
        cmd.Parameters.AddWithValue(user);
        return await cmd.ExecuteScalarAsync() as int?;
    });
}
