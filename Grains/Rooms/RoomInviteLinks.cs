using ChatApp.Storage;
using Npgsql;

namespace ChatApp.Rooms;

/// <summary>
/// A room's invite links as rows (sql/0016_room_invite_links.sql), by the hash of their code. The
/// room grain is the only writer, one call at a time, so checking a link and counting its use
/// cannot race with another use of the same room.
/// </summary>
public sealed class RoomInviteLinks(NpgsqlDataSource db)
{
    /// <summary>
    /// Stores a link unless the room already has <paramref name="cap"/> live ones (then false). The
    /// room's expired links are forgotten first: they can never be used again.
    /// </summary>
    public Task<bool> TryAdd(string room, byte[] hash, string createdBy, DateTime now, DateTime expiresAt, int? maxUses, int cap) =>
        DatabaseFaults.Guard(async () =>
        {
            await using var batch = db.CreateBatch();
            batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM room_invite_links WHERE room = $1 AND expires_at <= $2")
            {
                Parameters = { new() { Value = room }, new() { Value = now } },
            });
            batch.BatchCommands.Add(new NpgsqlBatchCommand("""
                INSERT INTO room_invite_links (code_hash, room, created_by, created_at, expires_at, max_uses)
                SELECT $1, $2, $3, $4, $5, $6
                WHERE (SELECT count(*) FROM room_invite_links WHERE room = $2 AND NOT revoked) < $7
                """)
            {
                Parameters =
                {
                    new() { Value = hash }, new() { Value = room }, new() { Value = createdBy }, new() { Value = now },
                    new() { Value = expiresAt }, new() { Value = (object?)maxUses ?? DBNull.Value }, new() { Value = (long)cap },
                },
            });
            await batch.ExecuteNonQueryAsync();
            return batch.BatchCommands[1].RecordsAffected == 1;
        });

    /// <summary>Whether the link of this room may let one more person in at <paramref name="now"/>.</summary>
    public Task<bool> IsUsable(string room, byte[] hash, DateTime now) => DatabaseFaults.Guard(async () =>
    {
        await using var cmd = db.CreateCommand("""
            SELECT EXISTS (SELECT 1 FROM room_invite_links
                           WHERE code_hash = $1 AND room = $2 AND NOT revoked AND expires_at > $3
                             AND (max_uses IS NULL OR uses < max_uses))
            """);
        cmd.Parameters.AddWithValue(hash);
        cmd.Parameters.AddWithValue(room);
        cmd.Parameters.AddWithValue(now);
        return (bool)(await cmd.ExecuteScalarAsync())!;
    });

    /// <summary>Counts one use of the link.</summary>
    public Task CountUse(string room, byte[] hash) => DatabaseFaults.Guard(async () =>
    {
        await using var cmd = db.CreateCommand("UPDATE room_invite_links SET uses = uses + 1 WHERE code_hash = $1 AND room = $2");
        cmd.Parameters.AddWithValue(hash);
        cmd.Parameters.AddWithValue(room);
        return await cmd.ExecuteNonQueryAsync();
    });

    /// <summary>Revokes the link; whether this room had it.</summary>
    public Task<bool> Revoke(string room, byte[] hash) => DatabaseFaults.Guard(async () =>
    {
        await using var cmd = db.CreateCommand("UPDATE room_invite_links SET revoked = true WHERE code_hash = $1 AND room = $2");
        cmd.Parameters.AddWithValue(hash);
        cmd.Parameters.AddWithValue(room);
        return await cmd.ExecuteNonQueryAsync() == 1;
    });
}
