using ChatApp.Rooms;
using ChatApp.Storage;
using Npgsql;
using Orleans.Concurrency;

namespace ChatApp.Admin;

/// <summary>
/// Answers the admin overview with one query over the rooms table (a message count and the
/// newest event per room), then asks each listed room grain for its member count. Stateless:
/// any silo serves it, and two operators refreshing at once do not queue behind each other.
/// </summary>
[StatelessWorker]
public sealed class AdminGrain(NpgsqlDataSource db) : Grain, IAdminGrain
{
    public const int MaxRooms = 500;

    public async Task<IReadOnlyList<RoomActivity>> Rooms(int limit)
    {
        var rows = await DatabaseFaults.Guard(() => ReadRooms(Math.Clamp(limit, 1, MaxRooms)));
        // Members live in grain state, not in a table; reading it activates the room, which is
        // acceptable for a page an operator opens now and then, and bounded by the limit.
        var members = await Task.WhenAll(rows.Select(async row =>
            (await GrainFactory.GetGrain<IRoomGrain>(row.Id).GetState()).Members.Count));
        return [.. rows.Select((row, i) => row with { Members = members[i] })];
    }

    private async Task<List<RoomActivity>> ReadRooms(int limit)
    {
        // Both subqueries walk the (room, seq) primary keys, so each room costs two index scans.
        await using var cmd = db.CreateCommand("""
            SELECT r.id, r.visibility, r.owner, r.topic, r.created_at,
                   (SELECT count(*) FROM messages m WHERE m.room = r.id AND NOT m.deleted) AS messages,
                   e.seq, e.ts
            FROM rooms r
            LEFT JOIN LATERAL (SELECT seq, ts FROM room_events WHERE room = r.id ORDER BY seq DESC LIMIT 1) e ON true
            ORDER BY e.ts DESC NULLS LAST, r.id
            LIMIT $1
            """);
        cmd.Parameters.AddWithValue(limit);
        var rooms = new List<RoomActivity>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rooms.Add(new RoomActivity(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                Members: 0,
                Messages: reader.GetInt64(5),
                LastSeq: reader.IsDBNull(6) ? 0 : reader.GetInt64(6),
                CreatedAt: reader.GetDateTime(4),
                LastActivity: reader.IsDBNull(7) ? null : reader.GetDateTime(7)));
        }
        return rooms;
    }
}
