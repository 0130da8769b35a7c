using ChatApp.Gateway.Contract;
using ChatApp.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatApp.Gateway.Accounts;

/// <summary>
/// Accounts in PostgreSQL's users table, with passwords hashed by ASP.NET Core Identity's
/// hasher (PBKDF2 with a per-password salt; its format carries its own version), and the
/// version of each user's credentials that their tokens must match.
/// </summary>
public sealed class UserAccounts(NpgsqlDataSource db)
{
    /// <summary>
    /// PBKDF2-HMAC-SHA512 rounds: OWASP's Password Storage Cheat Sheet asks for 210,000 (Identity's
    /// default is 100,000). A hash stored with fewer, or with an older PRF, is redone at the next
    /// successful login, the only moment the password is known.
    /// </summary>
    public const int HashIterations = 210_000;

    private static readonly PasswordHasher<string> Hasher = new(Options.Create(new PasswordHasherOptions
    {
        CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3,
        IterationCount = HashIterations,
    }));

    /// <summary>An account as the token issuer needs it.</summary>
    public sealed record Account(UserView User, int TokenVersion);

    /// <summary>Creates an account; null when the name is taken.</summary>
    public async Task<Account?> Register(UserName name, string password)
    {
        await using var cmd = db.CreateCommand(
            "INSERT INTO users (name, password_hash) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING id, token_version");
        cmd.Parameters.AddWithValue(name.Value);
        cmd.Parameters.AddWithValue(Hasher.HashPassword(name, password));
        await using var reader = await cmd.ExecuteReaderAsync();
        return await reader.ReadAsync() ? new Account(new UserView(reader.GetInt64(0), name), reader.GetInt32(1)) : null;
    }

    /// <summary>The account when the password is right; null otherwise, without saying which part was wrong.</summary>
    public async Task<Account?> Verify(UserName name, string password)
    {
        // The servers' own accounts (SystemAccounts) sign in to nobody: to a login they are unknown names.
        await using var cmd = db.CreateCommand("SELECT id, password_hash, token_version FROM users WHERE name = $1 AND NOT system");
        cmd.Parameters.AddWithValue(name.Value);
        await using var reader = await cmd.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            // Hash anyway, so that an unknown name takes as long to refuse as a wrong password.
            Hasher.HashPassword(name, password);
            return null;
        }
        var (id, stored, version) = (reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2));
        await reader.DisposeAsync();
        var result = Hasher.VerifyHashedPassword(name, stored, password);
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await Rehash(name, stored, password);
        }
        return result == PasswordVerificationResult.Failed ? null : new Account(new UserView(id, name), version);
    }

    /// <summary>
    /// Stores the password hashed at today's strength. Only over the hash just checked: a password
    /// changed meanwhile is not undone, and the token version stays, so no session is signed out.
    /// </summary>
    private async Task Rehash(UserName name, string stored, string password)
    {
        await using var cmd = db.CreateCommand("UPDATE users SET password_hash = $3 WHERE name = $1 AND password_hash = $2");
        cmd.Parameters.AddWithValue(name.Value);
        cmd.Parameters.AddWithValue(stored);
        cmd.Parameters.AddWithValue(Hasher.HashPassword(name, password));
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task<UserView?> Find(UserName name)
    {
        await using var cmd = db.CreateCommand("SELECT id FROM users WHERE name = $1");
        cmd.Parameters.AddWithValue(name.Value);
        return await cmd.ExecuteScalarAsync() is long id ? new UserView(id, name) : null;
    }

    /// <summary>Refuses every token issued so far: logout everywhere.</summary>
    public async Task<int> RevokeTokens(UserName name)
    {
        await using var cmd = db.CreateCommand(
            "UPDATE users SET token_version = token_version + 1 WHERE name = $1 RETURNING token_version");
        cmd.Parameters.AddWithValue(name.Value);
        return (int)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Sets a new password and refuses every older token; returns the new version.</summary>
    public async Task<int> ChangePassword(UserName name, string newPassword)
    {
        await using var cmd = db.CreateCommand(
            "UPDATE users SET password_hash = $2, token_version = token_version + 1 WHERE name = $1 RETURNING token_version");
        cmd.Parameters.AddWithValue(name.Value);
        cmd.Parameters.AddWithValue(Hasher.HashPassword(name, newPassword));
        return (int)(await cmd.ExecuteScalarAsync())!;
    }
}
