using ChatApp.Storage;
using Npgsql;
using NpgsqlTypes;

namespace ChatApp.Rooms;

/// <summary>
/// A room's members and bans as rows (sql/0010_room_members.sql). Each change is one statement that
/// appends the event recording it and changes the row together, so the log and the rows cannot
/// disagree; the statements share round trips and commits with the silo's other writes through
/// <see cref="GroupCommit"/>. A join costs one row whatever the room's size.
/// </summary>
public sealed class MembershipLog(NpgsqlDataSource db, GroupCommit commits)
{
    /// <summary>Everything the room grain keeps in memory about its members, read when it activates.</summary>
    public async Task<RoomMembers> Load(string room)
    {
        var members = new RoomMembers();
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT user_name, role FROM room_members WHERE room = $1") { Parameters = { new() { Value = room } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT user_name FROM room_bans WHERE room = $1") { Parameters = { new() { Value = room } } });
        await using var reader = await batch.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            members.Set(reader.GetString(0), reader.GetString(1));
        }
        await reader.NextResultAsync();
        while (await reader.ReadAsync())
        {
            members.Ban(reader.GetString(0));
        }
        return members;
    }

    /// <summary>How many rooms the user belongs to, for the per-user cap before a room is made.</summary>
    public async Task<long> RoomCountOf(string user)
    {
        await using var cmd = db.CreateCommand("SELECT count(*) FROM room_members WHERE user_name = $1");
        cmd.Parameters.AddWithValue(user);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Appends the join event <paramref name="e"/> and makes <paramref name="user"/> a member with
    /// <paramref name="role"/>, read up to the join, unless the user already belongs to
    /// <paramref name="roomCap"/> rooms: then nothing is written and false is returned. The cap is
    /// counted inside the statement, so a join asks nobody else first.
    /// </summary>
    public async Task<bool> TryAppendJoin(RoomEvent e, string user, string role, int roomCap) => await commits.Execute(() =>
    {
        var statement = new NpgsqlBatchCommand("""
            WITH e AS (
                INSERT INTO room_events (room, seq, kind, sender, payload, ts)
                SELECT $1, $2, $6, $3, $4, $5
                WHERE (SELECT count(*) FROM room_members WHERE user_name = $7) < $9
                RETURNING room, seq)
            INSERT INTO room_members (room, user_name, role, read_seq)
            SELECT room, $7, $8, seq FROM e
            ON CONFLICT (room, user_name) DO UPDATE SET role = excluded.role, read_seq = excluded.read_seq
            """);
        RoomLog.AddEventParameters(statement.Parameters, e);
        statement.Parameters.AddWithValue(e.Kind);
        statement.Parameters.AddWithValue(user);
        statement.Parameters.AddWithValue(role);
        statement.Parameters.AddWithValue((long)roomCap);
        return statement;
    }) == 1;

    /// <summary>
    /// <see cref="TryAppendJoin"/> for several users at once (consecutive seqs, distinct users), all
    /// with <paramref name="role"/>, all or none: when one of them already belongs to
    /// <paramref name="roomCap"/> rooms nothing is written and false is returned, so the seqs stay
    /// gap-free. One statement, whatever the count: the rows travel as one array per column.
    /// </summary>
    public async Task<bool> TryAppendJoins(IReadOnlyList<RoomEvent> joins, string role, int roomCap) => await commits.Execute(() =>
    {
        var statement = new NpgsqlBatchCommand("""
            WITH input AS (
                SELECT * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::jsonb[], $6::timestamptz[])
                    AS i(seq, sender, user_name, payload, ts)),
            refused AS (
                SELECT 1 FROM input i WHERE (SELECT count(*) FROM room_members WHERE user_name = i.user_name) >= $8),
            e AS (
                INSERT INTO room_events (room, seq, kind, sender, payload, ts)
                SELECT $1, seq, 'join', sender, payload, ts FROM input
                WHERE NOT EXISTS (SELECT 1 FROM refused)
                RETURNING seq)
            INSERT INTO room_members (room, user_name, role, read_seq)
            SELECT $1, i.user_name, $7, i.seq FROM input i
            WHERE EXISTS (SELECT 1 FROM e)
            ON CONFLICT (room, user_name) DO UPDATE SET role = excluded.role, read_seq = excluded.read_seq
            """);
        var p = statement.Parameters;
        p.AddWithValue(joins[0].Room);
        p.AddWithValue(joins.Select(e => e.Seq).ToArray());
        p.AddWithValue(joins.Select(e => e.Sender).ToArray());
        p.AddWithValue(joins.Select(e => e.User!).ToArray());
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb, Value = joins.Select(RoomLog.PayloadOf).ToArray() });
        p.AddWithValue(joins.Select(e => e.Ts).ToArray());
        p.AddWithValue(role);
        p.AddWithValue((long)roomCap);
        return statement;
    }) == joins.Count;

    /// <summary>Appends a leave, kick or ban event and removes the user's row; a ban also keeps them out.</summary>
    public Task AppendRemoval(RoomEvent e, string user, bool ban) => commits.Execute(() =>
    {
        var statement = new NpgsqlBatchCommand("""
            WITH e AS (
                INSERT INTO room_events (room, seq, kind, sender, payload, ts)
                VALUES ($1, $2, $6, $3, $4, $5)
                RETURNING room),
            gone AS (
                DELETE FROM room_members WHERE room = $1 AND user_name = $7)
            INSERT INTO room_bans (room, user_name)
            SELECT room, $7 FROM e WHERE $8
            ON CONFLICT DO NOTHING
            """);
        RoomLog.AddEventParameters(statement.Parameters, e);
        statement.Parameters.AddWithValue(e.Kind);
        statement.Parameters.AddWithValue(user);
        statement.Parameters.AddWithValue(ban);
        return statement;
    });

    /// <summary>Appends an unban event and lifts the ban in the same statement.</summary>
    public Task AppendUnban(RoomEvent e) => commits.Execute(() =>
    {
        var statement = new NpgsqlBatchCommand("""
            WITH e AS (
                INSERT INTO room_events (room, seq, kind, sender, payload, ts)
                VALUES ($1, $2, $6, $3, $4, $5)
                RETURNING room)
            DELETE FROM room_bans WHERE room = (SELECT room FROM e) AND user_name = $7
            """);
        RoomLog.AddEventParameters(statement.Parameters, e);
        statement.Parameters.AddWithValue(e.Kind);
        statement.Parameters.AddWithValue(e.User!);
        return statement;
    });

    /// <summary>
    /// Appends one <c>role</c> event per change and sets each member's row to the event's role, all in
    /// one statement, so that a handing on of ownership never leaves two owners or none; with
    /// <paramref name="newOwner"/> the room directory's owner moves too.
    /// </summary>
    public Task AppendRoles(IReadOnlyList<RoomEvent> changes, string? newOwner = null) => commits.Execute(() =>
    {
        var statement = new NpgsqlBatchCommand();
        var parts = new List<string>();
        foreach (var e in changes)
        {
            var at = statement.Parameters.Count;
            RoomLog.AddEventParameters(statement.Parameters, e);
            statement.Parameters.AddWithValue(e.Role!);
            statement.Parameters.AddWithValue(e.User!);
            parts.Add($"""
                e{at} AS (INSERT INTO room_events (room, seq, kind, sender, payload, ts)
                          VALUES (${at + 1}, ${at + 2}, 'role', ${at + 3}, ${at + 4}, ${at + 5}) RETURNING 1),
                r{at} AS (UPDATE room_members SET role = ${at + 6} WHERE room = ${at + 1} AND user_name = ${at + 7})
                """);
        }
        statement.Parameters.AddWithValue(changes[0].Room);
        statement.Parameters.AddWithValue((object?)newOwner ?? DBNull.Value);
        var room = statement.Parameters.Count - 1;
        statement.CommandText = $"""
            WITH {string.Join(",\n", parts)}
            UPDATE rooms SET owner = ${room + 1} WHERE id = ${room} AND ${room + 1}::text IS NOT NULL
            """;
        return statement;
    });
}
