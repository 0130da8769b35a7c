using Npgsql;

namespace ChatApp.Rooms;

/// <summary>
/// Collecting rooms nobody uses: a room whose last member left, with no message and no ban, is
/// taken out of the directory (sql/0004's <c>rooms</c>) as if it had never been made, so that
/// rooms made by joining made-up ids do not pile up. Its events stay: the log is append-only,
/// and a room made again under the id numbers its events on from there.
/// </summary>
public sealed class EmptyRooms(NpgsqlDataSource db)
{
    /// <summary>Removes the room's directory row, unless a member or a message appeared since it was judged empty.</summary>
    public async Task<bool> Forget(string room)
    {
        await using var cmd = db.CreateCommand("""
            DELETE FROM rooms WHERE id = $1
              AND NOT EXISTS (SELECT 1 FROM room_members WHERE room = $1)
              AND NOT EXISTS (SELECT 1 FROM room_bans WHERE room = $1)
              AND NOT EXISTS (SELECT 1 FROM messages WHERE room = $1)
            """);
        cmd.Parameters.AddWithValue(room);
        return await cmd.ExecuteNonQueryAsync() == 1;
    }
}
