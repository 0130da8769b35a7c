using ChatApp.Storage;
using Npgsql;

namespace ChatApp.Users;

/// <summary>
/// What a user's session reads when it activates, in one round trip: the user's rooms with their
/// read markers (room_members), the credentials version (users) and the devices signed out one by
/// one (auth_sessions). A session mostly activates for a hello, which needs all three; read one
/// after another they were three pool checkouts and three round trips in series per hello.
/// </summary>
public sealed class SessionRows(NpgsqlDataSource db)
{
    public async Task<SessionSnapshot> Load(string user)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                Statement("SELECT room, read_seq FROM room_members WHERE user_name = $1", user),
                Statement("SELECT token_version FROM users WHERE name = $1", user),
                Statement("SELECT id FROM auth_sessions WHERE user_name = $1 AND ended_at IS NOT NULL", user),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync();
        var markers = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            markers[reader.GetString(0)] = reader.GetInt64(1);
        }
        await reader.NextResultAsync();
        int? tokenVersion = await reader.ReadAsync() ? reader.GetInt32(0) : null;
        await reader.NextResultAsync();
        var ended = new HashSet<Guid>();
        while (await reader.ReadAsync())
        {
            ended.Add(reader.GetGuid(0));
        }
        return new SessionSnapshot(markers, tokenVersion, ended);
    }

    private static NpgsqlBatchCommand Statement(string sql, string user) => new(sql) { Parameters = { new() { Value = user } } };
}

/// <summary>A user's rows as one activation of their session read them (<see cref="SessionRows"/>).</summary>
/// <param name="TokenVersion">Null for a user the users table does not know.</param>
public sealed record SessionSnapshot(Dictionary<string, long> ReadMarkers, int? TokenVersion, HashSet<Guid> EndedDevices);
