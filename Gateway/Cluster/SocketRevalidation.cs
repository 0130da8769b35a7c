using ChatApp.Errors;
using ChatApp.Gateway.Protocol;
using Npgsql;

namespace ChatApp.Gateway.Cluster;

/// <summary>
/// Checks the open sockets' tokens again at each lease renewal: a socket whose token expired, or
/// was revoked (logout, new password, its device signed out) without the sign-out notice reaching
/// this gateway, is closed with 1008. A token is otherwise checked only at <c>hello</c>, and the
/// notice is a one-way call that may be lost; this is the backstop.
/// </summary>
/// <remarks>
/// Its cost follows the changes, not the sockets held. A socket's token is compared with the
/// users and devices tables once, at the first check after its hello (hello itself may have been
/// answered by a session grain that missed a notice). After that only what changed can make it
/// invalid, and the tables stamp each change with the database's clock (sql/0022): every check asks
/// for the users whose credentials moved on, and the devices that ended, since the previous check
/// began, less <see cref="Overlap"/>. Holding 10,000 sockets with nothing changing, a check is one
/// round trip that reads no row, where reading every socket's user was ten queries of 1,000 names.
/// </remarks>
public sealed partial class SocketRevalidation(SocketIndex sockets, NpgsqlDataSource db, TimeProvider time, ILogger<SocketRevalidation> logger)
{
    /// <summary>
    /// How far before the previous check each check looks: a change is stamped when its statement
    /// runs and is seen only once its transaction commits, so one that committed late is still read.
    /// The statements that revoke are single updates that commit within milliseconds.
    /// </summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromMinutes(1);

    // Users asked about in one query: the array parameter stays small whatever the gateway holds.
    private const int UsersPerQuery = 1000;

    private readonly Lock _sinceLock = new();
    // The database's time when the last complete check began; null until one completed.
    private DateTime? _checkedSince;

    public async Task CloseInvalidAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var open = sockets.All();
        var closing = new List<Task>();
        foreach (var connection in open.Where(c => c.TokenExpires <= now))
        {
            closing.Add(Close(connection, "token expired", "The token expired; sign in again."));
        }
        var live = open.Where(c => c.TokenExpires > now).ToList();
        // Read before the check: a socket that says hello meanwhile is compared in full next time.
        var fresh = live.Where(c => !c.TokenCheckedInTables).ToList();
        DateTime? since;
        lock (_sinceLock)
        {
            since = _checkedSince;
        }

        var changes = await ChangesSinceAsync(since - Overlap, cancellationToken);
        var revoked = new HashSet<ChatConnection>();
        foreach (var (user, version) in changes.Versions)
        {
            revoked.UnionWith(sockets.ConnectionsOf(user).Where(c => c.TokenExpires > now && c.TokenVersion != version));
        }
        var byUser = fresh.ToLookup(c => c.User.Value, StringComparer.Ordinal);
        foreach (var chunk in byUser.Select(g => g.Key).Chunk(UsersPerQuery))
        {
            var current = await CurrentVersionsAsync(chunk, cancellationToken);
            // A user missing from the table (the account is gone) has no current version at all.
            revoked.UnionWith(chunk.SelectMany(user => byUser[user]).Where(c => current.GetValueOrDefault(c.User.Value, -1) != c.TokenVersion));
        }
        var ended = changes.EndedDevices;
        var freshDevices = fresh.Where(c => c.Device is not null).Select(c => c.Device!.Value).Distinct().ToArray();
        if (freshDevices.Length > 0)
        {
            ended.UnionWith(await EndedDevicesAsync(freshDevices, cancellationToken));
        }
        var signedOut = ended.Count == 0 ? [] : live.Where(c => c.Device is { } device && ended.Contains(device) && !revoked.Contains(c)).ToList();

        foreach (var connection in revoked)
        {
            closing.Add(Close(connection, "credentials changed", "The token was revoked; sign in again."));
        }
        foreach (var connection in signedOut)
        {
            closing.Add(Close(connection, "device signed out", "This device was signed out; sign in again."));
        }
        foreach (var connection in fresh)
        {
            connection.TokenCheckedInTables = true;
        }
        lock (_sinceLock)
        {
            // Two checks may overlap (a test runs one beside the timer's): the later start wins.
            if (_checkedSince is not { } previous || previous < changes.CheckedAt)
            {
                _checkedSince = changes.CheckedAt;
            }
        }
        await Task.WhenAll(closing);
    }

    private sealed record Changes(DateTime CheckedAt, Dictionary<string, int> Versions, HashSet<Guid> EndedDevices);

    /// <summary>
    /// The database's time now, and the users whose credentials moved on and the devices that ended
    /// at or after <paramref name="since"/> (none before a first check: every socket is then fresh).
    /// </summary>
    private async Task<Changes> ChangesSinceAsync(DateTime? since, CancellationToken cancellationToken)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT now()"));
        if (since is { } from)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT name, token_version FROM users WHERE token_changed_at >= $1") { Parameters = { new() { Value = from } } });
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT id FROM auth_sessions WHERE ended_recorded_at >= $1") { Parameters = { new() { Value = from } } });
        }
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var changes = new Changes(reader.GetDateTime(0), new(StringComparer.Ordinal), []);
        if (since is null)
        {
            return changes;
        }
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            changes.Versions[reader.GetString(0)] = reader.GetInt32(1);
        }
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            changes.EndedDevices.Add(reader.GetGuid(0));
        }
        return changes;
    }

    /// <summary>Which of the devices were signed out: the backstop for a lost OnDeviceSignedOut notice.</summary>
    private async Task<HashSet<Guid>> EndedDevicesAsync(Guid[] devices, CancellationToken cancellationToken)
    {
        await using var cmd = db.CreateCommand("SELECT id FROM auth_sessions WHERE id = ANY($1) AND ended_at IS NOT NULL");
        cmd.Parameters.AddWithValue(devices);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var ended = new HashSet<Guid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ended.Add(reader.GetGuid(0));
        }
        return ended;
    }

    private Task Close(ChatConnection connection, string reason, string message)
    {
        LogClosing(logger, connection.Id, connection.User.Value, reason);
        return connection.CloseAsync(CloseCodes.Unauthorized, reason, ServerFrames.Error(null, ErrorCodes.Unauthorized, message));
    }

    private async Task<Dictionary<string, int>> CurrentVersionsAsync(string[] users, CancellationToken cancellationToken)
    {
        await using var cmd = db.CreateCommand("SELECT name, token_version FROM users WHERE name = ANY($1)");
        cmd.Parameters.AddWithValue(users);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var versions = new Dictionary<string, int>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            versions[reader.GetString(0)] = reader.GetInt32(1);
        }
        return versions;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closing connection {ConnectionId} of {User}: {Reason}")]
    private static partial void LogClosing(ILogger logger, string connectionId, string user, string reason);
}
