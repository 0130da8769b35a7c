using Npgsql;

namespace ChatApp.Users;

/// <summary>
/// Counts unread messages from the messages table: after the user's read marker, not deleted,
/// and not the user's own; and of those, the ones that mention the user. One query for any
/// number of rooms, each a range scan of its key.
/// </summary>
public sealed class UnreadCounts(NpgsqlDataSource db)
{
    public async Task<Dictionary<string, UnreadCount>> Count(string user, IReadOnlyDictionary<string, long> markers)
    {
        var counts = new Dictionary<string, UnreadCount>(StringComparer.Ordinal);
        if (markers.Count == 0)
        {
            return counts;
        }
        await using var cmd = db.CreateCommand("""
            SELECT r.room, count(m.seq), count(m.seq) FILTER (WHERE $3 = ANY (m.mentions))
            FROM unnest($1::text[], $2::bigint[]) AS r(room, marker)
            LEFT JOIN messages m ON m.room = r.room AND m.seq > r.marker AND m.sender <> $3 AND NOT m.deleted
            GROUP BY r.room
            """);
        cmd.Parameters.AddWithValue(markers.Keys.ToArray());
        cmd.Parameters.AddWithValue(markers.Values.ToArray());
        cmd.Parameters.AddWithValue(user);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            counts[reader.GetString(0)] = new UnreadCount(reader.GetInt64(1), reader.GetInt64(2));
        }
        return counts;
    }
}
