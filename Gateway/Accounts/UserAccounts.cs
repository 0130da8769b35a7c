using ChatApp.Gateway.Api;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace ChatApp.Gateway.Accounts;

/// <summary>
/// Accounts in PostgreSQL's users table, with passwords hashed by ASP.NET Core Identity's
/// hasher (PBKDF2 with a per-password salt; its format carries its own version).
/// </summary>
public sealed class UserAccounts(NpgsqlDataSource db)
{
    private static readonly PasswordHasher<string> Hasher = new();

    /// <summary>Creates an account; null when the name is taken.</summary>
    public async Task<UserView?> Register(string name, string password)
    {
        await using var cmd = db.CreateCommand(
            "INSERT INTO users (name, password_hash) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING id");
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.AddWithValue(Hasher.HashPassword(name, password));
        return await cmd.ExecuteScalarAsync() is long id ? new UserView(id, name) : null;
    }

    /// <summary>The account when the password is right; null otherwise, without saying which part was wrong.</summary>
    public async Task<UserView?> Verify(string name, string password)
    {
        await using var cmd = db.CreateCommand("SELECT id, password_hash FROM users WHERE name = $1");
        cmd.Parameters.AddWithValue(name);
        await using var reader = await cmd.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            // Hash anyway, so that an unknown name takes as long to refuse as a wrong password.
            Hasher.HashPassword(name, password);
            return null;
        }
        var result = Hasher.VerifyHashedPassword(name, reader.GetString(1), password);
        return result == PasswordVerificationResult.Failed ? null : new UserView(reader.GetInt64(0), name);
    }

    public async Task<UserView?> Find(string name)
    {
        await using var cmd = db.CreateCommand("SELECT id FROM users WHERE name = $1");
        cmd.Parameters.AddWithValue(name);
        return await cmd.ExecuteScalarAsync() is long id ? new UserView(id, name) : null;
    }
}
