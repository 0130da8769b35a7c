using ChatApp.Rooms;
using ChatApp.Storage;
using Npgsql;
using Orleans.Concurrency;

namespace ChatApp.Admin;

/// <summary>
/// Answers the admin overview with one query over the rooms table (member and message counts and
/// the newest event per room), activating no room grain. Stateless:
/// any silo serves it, and two operators refreshing at once do not queue behind each other.
/// </summary>
[StatelessWorker]
public sealed class AdminGrain(NpgsqlDataSource db) : Grain, IAdminGrain
{
    public const int MaxRooms = 500;

    public Task<IReadOnlyList<RoomActivity>> Rooms(int limit) =>
        DatabaseFaults.Guard<IReadOnlyList<RoomActivity>>(async () => await ReadRooms(Math.Clamp(limit, 1, MaxRooms)));

    private async Task<List<RoomActivity>> ReadRooms(int limit)
    {
        // Each subquery walks a primary key that leads with the room, so each room costs three index scans.
        await using var cmd = db.CreateCommand("""
            SELECT r.id, r.visibility, r.owner, r.topic, r.created_at,
                   (SELECT count(*) FROM messages m WHERE m.room = r.id AND NOT m.deleted) AS messages,
                   e.seq, e.ts,
                   (SELECT count(*) FROM room_members rm WHERE rm.room = r.id) AS members
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
                Members: (int)reader.GetInt64(8),
                Messages: reader.GetInt64(5),
                LastSeq: reader.IsDBNull(6) ? 0 : reader.GetInt64(6),
                CreatedAt: reader.GetDateTime(4),
                LastActivity: reader.IsDBNull(7) ? null : reader.GetDateTime(7)));
        }
        return rooms;
    }
}
