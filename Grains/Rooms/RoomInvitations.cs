using ChatApp.Storage;
using Npgsql;

namespace ChatApp.Rooms;

/// <summary>Pending invitations as rows (sql/0013_room_invitations.sql): written and removed by the room grain, listed for the invitee.</summary>
public sealed class RoomInvitations(NpgsqlDataSource db)
{
    /// <summary>
    /// Stores the invitation unless the invitee already has <paramref name="pendingCap"/> pending
    /// (then false); a repeated invitation to the same room changes nothing and is true.
    /// </summary>
    public Task<bool> TryAdd(Invitation invitation, int pendingCap) => DatabaseFaults.Guard(async () =>
    {
        await using var cmd = db.CreateCommand("""
            WITH added AS (
                INSERT INTO room_invitations (room, user_name, invited_by, created_at)
                SELECT $1, $2, $3, $4
                WHERE (SELECT count(*) FROM room_invitations WHERE user_name = $2) < $5
                ON CONFLICT (room, user_name) DO NOTHING
                RETURNING 1)
            SELECT EXISTS (SELECT 1 FROM added)
                OR EXISTS (SELECT 1 FROM room_invitations WHERE room = $1 AND user_name = $2)
            """);
        cmd.Parameters.AddWithValue(invitation.Room);
        cmd.Parameters.AddWithValue(invitation.User);
        cmd.Parameters.AddWithValue(invitation.InvitedBy);
        cmd.Parameters.AddWithValue(invitation.Ts);
        cmd.Parameters.AddWithValue((long)pendingCap);
        return (bool)(await cmd.ExecuteScalarAsync())!;
    });

    /// <summary>Removes the user's invitation to the room; whether there was one.</summary>
    public Task<bool> Remove(string room, string user) => DatabaseFaults.Guard(async () =>
    {
        await using var cmd = db.CreateCommand("DELETE FROM room_invitations WHERE room = $1 AND user_name = $2");
        cmd.Parameters.AddWithValue(room);
        cmd.Parameters.AddWithValue(user);
        return await cmd.ExecuteNonQueryAsync() == 1;
    });

    public Task<bool> Exists(string room, string user) => DatabaseFaults.Guard(async () =>
    {
        await using var cmd = db.CreateCommand("SELECT EXISTS (SELECT 1 FROM room_invitations WHERE room = $1 AND user_name = $2)");
        cmd.Parameters.AddWithValue(room);
        cmd.Parameters.AddWithValue(user);
        return (bool)(await cmd.ExecuteScalarAsync())!;
    });

    /// <summary>The user's pending invitations, newest first, with each room's topic.</summary>
    public Task<IReadOnlyList<Invitation>> Of(string user) => DatabaseFaults.Guard(async () =>
    {
        await using var cmd = db.CreateCommand("""
            SELECT i.room, i.invited_by, coalesce(r.topic, ''), i.created_at
            FROM room_invitations i LEFT JOIN rooms r ON r.id = i.room
            WHERE i.user_name = $1
            ORDER BY i.created_at DESC, i.room
            """);
        cmd.Parameters.AddWithValue(user);
        var found = new List<Invitation>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            found.Add(new Invitation(reader.GetString(0), user, reader.GetString(1), reader.GetString(2), reader.GetDateTime(3)));
        }
        return (IReadOnlyList<Invitation>)found;
    });
}
