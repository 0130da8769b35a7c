using System.Security.Cryptography;
using ChatApp.Gateway.Contract;
using ChatApp.Users;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatApp.Gateway.Accounts;

/// <summary>
/// Signed-in devices and their refresh tokens in PostgreSQL (sql/0017_auth_sessions.sql). A login
/// starts a device (a family of refresh tokens); each refresh uses its token once and hands out the
/// next; a used token presented again ends the family, as one of its two holders is not the user.
/// </summary>
public sealed class SignedInDevices(NpgsqlDataSource db, IOptions<AuthOptions> options, TimeProvider time)
{
    /// <summary>A signed-in device as its owner lists it.</summary>
    public sealed record Device(Guid Id, DateTime Created, DateTime LastUsed, string UserAgent);

    /// <summary>What a refresh found: the account to issue for and the next token, or why not.</summary>
    public sealed record Refreshed(UserAccounts.Account? Account, Guid Device, string? NextToken, bool Reused);

    /// <summary>Starts a device for a login and returns it with its first refresh token.</summary>
    public async Task<(Guid Device, string Token)> Start(UserName user, string? userAgent)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var device = Guid.CreateVersion7();
        var token = NewToken();
        await using var batch = db.CreateBatch();
        // Devices ended or expired longer ago than an access token lives can no longer matter to anyone.
        batch.BatchCommands.Add(Command(
            "DELETE FROM auth_sessions WHERE user_name = $1 AND least(coalesce(ended_at, expires_at), expires_at) < $2",
            user.Value, now - options.Value.TokenLifetime));
        batch.BatchCommands.Add(Command(
            "INSERT INTO auth_sessions (id, user_name, created_at, last_used_at, expires_at, user_agent) VALUES ($1, $2, $3, $3, $4, $5)",
            device, user.Value, now, now + options.Value.RefreshAbsoluteLifetime, UserAgents.Summary(userAgent)));
        batch.BatchCommands.Add(Command(
            "INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES ($1, $2, $3)", Hash(token), device, now));
        await batch.ExecuteNonQueryAsync();
        return (device, token);
    }

    /// <summary>
    /// Uses a refresh token: the account and the next token when the token is unused and its device
    /// alive (not ended, idle or past its end); a token used before ends its device and says so.
    /// </summary>
    public async Task<Refreshed?> Refresh(string token)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var hash = Hash(token);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        Guid device;
        string user;
        await using (var find = new NpgsqlCommand("""
            SELECT s.id, s.user_name, t.used_at IS NOT NULL, s.ended_at IS NULL AND s.expires_at > $2 AND s.last_used_at > $3
            FROM refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id
            WHERE t.token_hash = $1
            FOR UPDATE OF s
            """, connection, tx))
        {
            find.Parameters.AddWithValue(hash);
            find.Parameters.AddWithValue(now);
            find.Parameters.AddWithValue(now - options.Value.RefreshIdleLifetime);
            await using var reader = await find.ExecuteReaderAsync();
            if (!await reader.ReadAsync())
            {
                return null;
            }
            (device, user) = (reader.GetGuid(0), reader.GetString(1));
            var (used, alive) = (reader.GetBoolean(2), reader.GetBoolean(3));
            await reader.DisposeAsync();
            if (used)
            {
                await using var end = Command(connection, tx,
                    "UPDATE auth_sessions SET ended_at = $2, end_reason = 'reuse' WHERE id = $1 AND ended_at IS NULL", device, now);
                await end.ExecuteNonQueryAsync();
                await tx.CommitAsync();
                return new Refreshed(null, device, null, Reused: true);
            }
            if (!alive)
            {
                return new Refreshed(null, device, null, Reused: false);
            }
        }
        var next = NewToken();
        await using var batch = new NpgsqlBatch(connection, tx);
        batch.BatchCommands.Add(Command("UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1", hash, now));
        batch.BatchCommands.Add(Command("INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES ($1, $2, $3)", Hash(next), device, now));
        batch.BatchCommands.Add(Command("UPDATE auth_sessions SET last_used_at = $2 WHERE id = $1", device, now));
        await batch.ExecuteNonQueryAsync();
        await using var read = Command(connection, tx, "SELECT id, token_version FROM users WHERE name = $1", user);
        await using (var reader = await read.ExecuteReaderAsync())
        {
            if (!await reader.ReadAsync())
            {
                return null;
            }
            var account = new UserAccounts.Account(new UserView(reader.GetInt64(0), UserName.Parse(user)), reader.GetInt32(1));
            await reader.DisposeAsync();
            await tx.CommitAsync();
            return new Refreshed(account, device, next, Reused: false);
        }
    }

    /// <summary>The user's devices still signed in, newest use first.</summary>
    public async Task<IReadOnlyList<Device>> Of(UserName user)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var cmd = db.CreateCommand("""
            SELECT id, created_at, last_used_at, user_agent FROM auth_sessions
            WHERE user_name = $1 AND ended_at IS NULL AND expires_at > $2 AND last_used_at > $3
            ORDER BY last_used_at DESC
            """);
        cmd.Parameters.AddWithValue(user.Value);
        cmd.Parameters.AddWithValue(now);
        cmd.Parameters.AddWithValue(now - options.Value.RefreshIdleLifetime);
        var devices = new List<Device>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            devices.Add(new Device(reader.GetGuid(0), reader.GetDateTime(1), reader.GetDateTime(2), reader.GetString(3)));
        }
        return devices;
    }

    /// <summary>Ends one device of the user; false when the user has no such device still signed in.</summary>
    public async Task<bool> End(UserName user, Guid device, string reason)
    {
        await using var cmd = db.CreateCommand(
            "UPDATE auth_sessions SET ended_at = $3, end_reason = $4 WHERE id = $1 AND user_name = $2 AND ended_at IS NULL");
        cmd.Parameters.AddWithValue(device);
        cmd.Parameters.AddWithValue(user.Value);
        cmd.Parameters.AddWithValue(time.GetUtcNow().UtcDateTime);
        cmd.Parameters.AddWithValue(reason);
        return await cmd.ExecuteNonQueryAsync() == 1;
    }

    /// <summary>Whose device it is, ended or not.</summary>
    public async Task<UserName?> OwnerOf(Guid device)
    {
        await using var cmd = db.CreateCommand("SELECT user_name FROM auth_sessions WHERE id = $1");
        cmd.Parameters.AddWithValue(device);
        return await cmd.ExecuteScalarAsync() is string name && UserName.TryParse(name, out var user) ? user : null;
    }

    /// <summary>Ends every device of the user: sign-out everywhere and a new password.</summary>
    public async Task EndAll(UserName user, string reason)
    {
        await using var cmd = db.CreateCommand(
            "UPDATE auth_sessions SET ended_at = $2, end_reason = $3 WHERE user_name = $1 AND ended_at IS NULL");
        cmd.Parameters.AddWithValue(user.Value);
        cmd.Parameters.AddWithValue(time.GetUtcNow().UtcDateTime);
        cmd.Parameters.AddWithValue(reason);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>256 random bits, base64url: nobody guesses one, so a plain hash stores it safely.</summary>
    private static string NewToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Hash(string token) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        return command;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, params object[] values)
    {
        var command = new NpgsqlCommand(sql, connection, tx);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        return command;
    }
}
