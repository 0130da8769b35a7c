using ChatApp.Errors;
using ChatApp.Gateway.Protocol;
using Npgsql;

namespace ChatApp.Gateway.Cluster;

/// <summary>
/// Checks every open socket's token again at each lease renewal: a socket whose token expired,
/// or was revoked (logout, new password) without the sign-out notice reaching this gateway, is
/// closed with 1008. A token is otherwise checked only at <c>hello</c>, and the notice is a
/// one-way call that may be lost; this is the backstop, one query per renewal for the whole
/// gateway rather than one call per user.
/// </summary>
public sealed partial class SocketRevalidation(SocketIndex sockets, NpgsqlDataSource db, TimeProvider time, ILogger<SocketRevalidation> logger)
{
    // Users asked about in one query: the array parameter stays small whatever the gateway holds.
    private const int UsersPerQuery = 1000;

    public async Task CloseInvalidAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var open = sockets.All();
        var closing = new List<Task>();
        foreach (var connection in open.Where(c => c.TokenExpires <= now))
        {
            closing.Add(Close(connection, "token expired", "The token expired; sign in again."));
        }
        var byUser = open.Where(c => c.TokenExpires > now).ToLookup(c => c.User.Value, StringComparer.Ordinal);
        foreach (var chunk in byUser.Select(g => g.Key).Chunk(UsersPerQuery))
        {
            var current = await CurrentVersionsAsync(chunk, cancellationToken);
            // A user missing from the table (the account is gone) has no current version at all.
            foreach (var connection in chunk.SelectMany(user => byUser[user]).Where(c => current.GetValueOrDefault(c.User.Value, -1) != c.TokenVersion))
            {
                closing.Add(Close(connection, "credentials changed", "The token was revoked; sign in again."));
            }
        }
        var onDevices = open.Where(c => c.TokenExpires > now && c.Device is not null).ToList();
        if (onDevices.Count > 0)
        {
            var ended = await EndedDevicesAsync([.. onDevices.Select(c => c.Device!.Value).Distinct()], cancellationToken);
            foreach (var connection in onDevices.Where(c => ended.Contains(c.Device!.Value)))
            {
                closing.Add(Close(connection, "device signed out", "This device was signed out; sign in again."));
            }
        }
        await Task.WhenAll(closing);
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
