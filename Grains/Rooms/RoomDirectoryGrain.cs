using ChatApp.Storage;
using Npgsql;
using Orleans.Concurrency;

namespace ChatApp.Rooms;

/// <summary>
/// A stateless reader of the rooms table: any number of activations may serve it at once,
/// on any silo, since each call is one query.
/// </summary>
/// <remarks>
/// The public list is capped, so its order decides which rooms a flood of made-up ones could push
/// out. Ordered by id, any id sorting early won. Ordered by members, then by the newest message, a
/// room made by joining (one member, no message) is listed only after every room more people use,
/// and a flooder can add neither members nor much activity without other accounts and the message
/// limit. Counting members reads each public room's rows of room_members through its key.
/// </remarks>
[StatelessWorker]
public sealed class RoomDirectoryGrain(NpgsqlDataSource db) : Grain, IRoomDirectoryGrain
{
    public Task<IReadOnlyList<string>> ListPublic(int limit) => DatabaseFaults.Guard(async () =>
    {
        await using var cmd = db.CreateCommand("""
            SELECT r.id FROM rooms r
            CROSS JOIN LATERAL (SELECT count(*) AS members FROM room_members m WHERE m.room = r.id) m
            LEFT JOIN LATERAL (SELECT g.ts FROM messages g WHERE g.room = r.id ORDER BY g.seq DESC LIMIT 1) newest ON true
            WHERE r.visibility = 'public'
            ORDER BY m.members DESC, newest.ts DESC NULLS LAST, r.id
            LIMIT $1
            """);
        cmd.Parameters.AddWithValue(Math.Clamp(limit, 1, 1000));
        var ids = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }
        return (IReadOnlyList<string>)ids;
    });
}
