using ChatApp.Storage;
using Npgsql;

namespace ChatApp.Users;

/// <summary>
/// Counts unread messages from the messages table: after the user's read marker, not deleted,
/// and not the user's own; and of those, the ones that mention the user. One query for any
/// number of rooms, each a range scan of its key. Every hello of a member counts, so a reconnect
/// storm is thousands of counts at once: those that come while one query is out go together in
/// the next (<see cref="SharedRoundTrips{TRequest, TResult}"/>), each row of it naming its reader.
/// </summary>
public sealed class UnreadCounts
{
    /// <summary>The most users' counts in one query (each with all of its rooms).</summary>
    public const int MaxBatch = 64;

    /// <summary>
    /// Each room's count is a subquery of its own (LATERAL, with an aggregate, which PostgreSQL
    /// cannot merge into a join): a range scan from the marker. As a join of the rooms with
    /// messages, PostgreSQL estimated every room's rows at its average and, where rooms are few and
    /// long, hashed the whole messages table instead: 3,066 pages for three rooms of a database of
    /// 200,000 messages, at every hello of a member, now 24.
    /// </summary>
    internal const string CountSql = """
        SELECT r.request, r.room, c.unread, c.mentions
        FROM unnest($1::int[], $2::text[], $3::text[], $4::bigint[]) AS r(request, reader, room, marker)
        CROSS JOIN LATERAL (
            SELECT count(*) AS unread, count(*) FILTER (WHERE r.reader = ANY (m.mentions)) AS mentions
            FROM messages m
            WHERE m.room = r.room AND m.seq > r.marker AND m.sender <> r.reader AND NOT m.deleted) AS c
        """;

    private readonly NpgsqlDataSource _db;
    private readonly SharedRoundTrips<Request, Dictionary<string, UnreadCount>> _counts;

    public UnreadCounts(NpgsqlDataSource db)
    {
        _db = db;
        _counts = new(CountManyAsync, MaxBatch);
    }

    /// <summary>Queries made so far: fewer than the counts asked for when they shared them.</summary>
    public long RoundTrips => _counts.RoundTrips;

    public Task<Dictionary<string, UnreadCount>> Count(string user, IReadOnlyDictionary<string, long> markers) =>
        markers.Count == 0
            ? Task.FromResult(new Dictionary<string, UnreadCount>())
            : _counts.Read(new Request(user, markers));

    private async Task<IReadOnlyList<Dictionary<string, UnreadCount>>> CountManyAsync(IReadOnlyList<Request> requests)
    {
        var (indexes, readers, rooms, markers) = (new List<int>(), new List<string>(), new List<string>(), new List<long>());
        for (var i = 0; i < requests.Count; i++)
        {
            foreach (var (room, marker) in requests[i].Markers)
            {
                indexes.Add(i);
                readers.Add(requests[i].User);
                rooms.Add(room);
                markers.Add(marker);
            }
        }
        var counts = requests.Select(_ => new Dictionary<string, UnreadCount>(StringComparer.Ordinal)).ToArray();
        await using var cmd = _db.CreateCommand(CountSql);
        cmd.Parameters.AddWithValue(indexes.ToArray());
        cmd.Parameters.AddWithValue(readers.ToArray());
        cmd.Parameters.AddWithValue(rooms.ToArray());
        cmd.Parameters.AddWithValue(markers.ToArray());
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            counts[reader.GetInt32(0)][reader.GetString(1)] = new UnreadCount(reader.GetInt64(2), reader.GetInt64(3));
        }
        return counts;
    }

    private sealed record Request(string User, IReadOnlyDictionary<string, long> Markers);
}
