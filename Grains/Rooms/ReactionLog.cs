using ChatApp.Storage;
using Npgsql;

namespace ChatApp.Rooms;

/// <summary>
/// Reactions as rows (sql/0014_replies_and_reactions.sql), kept the way <see cref="MembershipLog"/>
/// keeps members: each change is one statement that writes the reaction event and the row
/// together, sharing commits through <see cref="GroupCommit"/>. A reaction that can be made costs
/// that one write and no read; only a refused one is read back to say why.
/// </summary>
public sealed class ReactionLog(NpgsqlDataSource db, GroupCommit commits)
{
    /// <summary>
    /// Appends the reaction event <paramref name="e"/> and its row, unless the target is no live
    /// message of the room or the sender already reacted with this emoji: then nothing is written.
    /// </summary>
    public async Task<bool> TryAppendReaction(RoomEvent e) => await commits.Execute(() =>
    {
        var statement = new NpgsqlBatchCommand("""
            WITH r AS (
                INSERT INTO message_reactions (room, seq, emoji, user_name, event_seq)
                SELECT $1, $6, $7, $3, $2
                WHERE EXISTS (SELECT 1 FROM messages WHERE room = $1 AND seq = $6 AND NOT deleted)
                ON CONFLICT DO NOTHING
                RETURNING room)
            INSERT INTO room_events (room, seq, kind, sender, payload, ts)
            SELECT $1, $2, 'reaction', $3, $4, $5 FROM r
            """);
        AddParameters(statement, e);
        return statement;
    }) == 1;

    /// <summary>Appends the unreaction event <paramref name="e"/> and deletes the row, if the sender's reaction is there on a live message.</summary>
    public async Task<bool> TryRemoveReaction(RoomEvent e) => await commits.Execute(() =>
    {
        var statement = new NpgsqlBatchCommand("""
            WITH r AS (
                DELETE FROM message_reactions
                WHERE room = $1 AND seq = $6 AND emoji = $7 AND user_name = $3
                  AND EXISTS (SELECT 1 FROM messages WHERE room = $1 AND seq = $6 AND NOT deleted)
                RETURNING room)
            INSERT INTO room_events (room, seq, kind, sender, payload, ts)
            SELECT $1, $2, 'unreaction', $3, $4, $5 FROM r
            """);
        AddParameters(statement, e);
        return statement;
    }) == 1;

    /// <summary>
    /// Why a reaction was not written: whether <paramref name="seq"/> is a live message of the room,
    /// and the seq of the event of <paramref name="user"/>'s reaction with this emoji, if there is one.
    /// </summary>
    public async Task<(bool LiveMessage, long? ReactionSeq)> Find(string room, long seq, string emoji, string user)
    {
        await using var cmd = db.CreateCommand("""
            SELECT NOT m.deleted, r.event_seq
            FROM messages m
            LEFT JOIN message_reactions r ON r.room = m.room AND r.seq = m.seq AND r.emoji = $3 AND r.user_name = $4
            WHERE m.room = $1 AND m.seq = $2
            """);
        cmd.Parameters.AddWithValue(room);
        cmd.Parameters.AddWithValue(seq);
        cmd.Parameters.AddWithValue(emoji);
        cmd.Parameters.AddWithValue(user);
        await using var reader = await cmd.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? (reader.GetBoolean(0), reader.IsDBNull(1) ? null : reader.GetInt64(1))
            : (false, null);
    }

    // $1 room, $2 seq, $3 sender, $4 payload, $5 ts, $6 the message, $7 the emoji.
    private static void AddParameters(NpgsqlBatchCommand statement, RoomEvent e)
    {
        RoomLog.AddEventParameters(statement.Parameters, e);
        statement.Parameters.AddWithValue(e.Target ?? 0L);
        statement.Parameters.AddWithValue(e.Emoji ?? "");
    }
}
