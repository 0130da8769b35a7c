using ChatApp.Storage;
using Npgsql;

namespace ChatApp.Users;

/// <summary>
/// What a user's session reads when it activates, in one round trip: the user's rooms with their
/// read markers (room_members), the credentials version (users) and the devices signed out one by
/// one (auth_sessions). A session mostly activates for a hello, which needs all three. A reconnect
/// storm activates sessions by the hundred: the loads that come while a round trip is out go
/// together in the next (<see cref="SharedRoundTrips{TRequest, TResult}"/>), each statement naming
/// all of their users, instead of a pool checkout and a round trip each.
/// </summary>
public sealed class SessionRows
{
    /// <summary>The most users read in one round trip.</summary>
    public const int MaxBatch = 256;

    private readonly NpgsqlDataSource _db;
    private readonly SharedRoundTrips<string, SessionSnapshot> _loads;

    public SessionRows(NpgsqlDataSource db)
    {
        _db = db;
        _loads = new(LoadManyAsync, MaxBatch);
    }

    /// <summary>Round trips made so far: fewer than the loads when they shared them.</summary>
    public long RoundTrips => _loads.RoundTrips;

    public Task<SessionSnapshot> Load(string user) => _loads.Read(user);

    private async Task<IReadOnlyList<SessionSnapshot>> LoadManyAsync(IReadOnlyList<string> users)
    {
        var rows = await ReadRowsAsync([.. users.Distinct(StringComparer.Ordinal)]);
        return [.. users.Select(rows.SnapshotOf)];
    }

    private async Task<Rows> ReadRowsAsync(string[] users)
    {
        await using var connection = await _db.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                Statement("SELECT user_name, room, read_seq FROM room_members WHERE user_name = ANY($1)", users),
                Statement("SELECT name, token_version FROM users WHERE name = ANY($1)", users),
                Statement("SELECT user_name, id FROM auth_sessions WHERE user_name = ANY($1) AND ended_at IS NOT NULL", users),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync();
        var rows = new Rows();
        while (await reader.ReadAsync())
        {
            rows.MarkersOf(reader.GetString(0))[reader.GetString(1)] = reader.GetInt64(2);
        }
        await reader.NextResultAsync();
        while (await reader.ReadAsync())
        {
            rows.TokenVersions[reader.GetString(0)] = reader.GetInt32(1);
        }
        await reader.NextResultAsync();
        while (await reader.ReadAsync())
        {
            rows.EndedDevicesOf(reader.GetString(0)).Add(reader.GetGuid(1));
        }
        return rows;
    }

    private static NpgsqlBatchCommand Statement(string sql, string[] users) => new(sql) { Parameters = { new() { Value = users } } };

    /// <summary>Everything one round trip read, by user.</summary>
    private sealed class Rows
    {
        private readonly Dictionary<string, Dictionary<string, long>> _markers = new(StringComparer.Ordinal);
        private readonly Dictionary<string, HashSet<Guid>> _endedDevices = new(StringComparer.Ordinal);

        public Dictionary<string, int> TokenVersions { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, long> MarkersOf(string user) =>
            _markers.TryGetValue(user, out var markers) ? markers : _markers[user] = new(StringComparer.Ordinal);

        public HashSet<Guid> EndedDevicesOf(string user) =>
            _endedDevices.TryGetValue(user, out var ended) ? ended : _endedDevices[user] = [];

        /// <summary>One user's rows, in collections of their own: the session keeps and changes them.</summary>
        public SessionSnapshot SnapshotOf(string user) => new(
            _markers.TryGetValue(user, out var markers) ? new(markers, StringComparer.Ordinal) : new(StringComparer.Ordinal),
            TokenVersions.TryGetValue(user, out var version) ? version : null,
            _endedDevices.TryGetValue(user, out var ended) ? [.. ended] : []);
    }
}

/// <summary>A user's rows as one activation of their session read them (<see cref="SessionRows"/>).</summary>
/// <param name="TokenVersion">Null for a user the users table does not know.</param>
public sealed record SessionSnapshot(Dictionary<string, long> ReadMarkers, int? TokenVersion, HashSet<Guid> EndedDevices);
