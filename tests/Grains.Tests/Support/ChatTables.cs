using System.Text.Json;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Grains.Support;

/// <summary>
/// Reads the chat tables straight from PostgreSQL, bypassing the grains, so a test can check
/// what was really committed rather than what a grain says it committed.
/// </summary>
public sealed class ChatTables(string connectionString)
{
    /// <summary>A room's event log in seq order, with the kind-specific fields taken out of the payload.</summary>
    public async Task<IReadOnlyList<LoggedEvent>> EventsAsync(string room)
    {
        var rows = await QueryAsync(
            "SELECT seq, kind, sender, payload::text, ts FROM room_events WHERE room = $1 ORDER BY seq", room);
        return rows.Select(r =>
        {
            using var payload = JsonDocument.Parse((string)r[3]!);
            var p = payload.RootElement;
            return new LoggedEvent(
                (long)r[0]!, (string)r[1]!, (string)r[2]!, (DateTime)r[4]!,
                Text: p.TryGetProperty("text", out var text) ? text.GetString() : null,
                ClientMsgId: p.TryGetProperty("clientMsgId", out var id) ? id.GetString() : null,
                Target: p.TryGetProperty("target", out var target) ? target.GetInt64() : null,
                User: p.TryGetProperty("user", out var user) ? user.GetString() : null,
                ReplyTo: p.TryGetProperty("replyTo", out var replyTo) ? replyTo.GetInt64() : null,
                Emoji: p.TryGetProperty("emoji", out var emoji) ? emoji.GetString() : null);
        }).ToList();
    }

    /// <summary>A room's messages as they stand now, in seq order.</summary>
    public async Task<IReadOnlyList<StoredMessage>> MessagesAsync(string room)
    {
        var rows = await QueryAsync(
            "SELECT seq, sender, client_msg_id, text, ts, edited_ts, deleted FROM messages WHERE room = $1 ORDER BY seq", room);
        return rows.Select(r => new StoredMessage(
            (long)r[0]!, (string)r[1]!, (string?)r[2], (string)r[3]!, (DateTime)r[4]!, (DateTime?)r[5], (bool)r[6]!)).ToList();
    }

    /// <summary>A room's reaction rows as (message seq, emoji, user, event seq), in the order they were made.</summary>
    public async Task<IReadOnlyList<(long Seq, string Emoji, string User, long EventSeq)>> ReactionsAsync(string room)
    {
        var rows = await QueryAsync(
            "SELECT seq, emoji, user_name, event_seq FROM message_reactions WHERE room = $1 ORDER BY event_seq", room);
        return [.. rows.Select(r => ((long)r[0]!, (string)r[1]!, (string)r[2]!, (long)r[3]!))];
    }

    /// <summary>The seq each message of the room replies to (null for none), in seq order.</summary>
    public async Task<IReadOnlyList<(long Seq, long? ReplyTo)>> RepliesAsync(string room)
    {
        var rows = await QueryAsync("SELECT seq, reply_to FROM messages WHERE room = $1 ORDER BY seq", room);
        return [.. rows.Select(r => ((long)r[0]!, (long?)r[1]))];
    }

    /// <summary>A room's rows of room_members as (user, role, read seq), by user name.</summary>
    public async Task<IReadOnlyList<(string User, string Role, long ReadSeq)>> MembersAsync(string room)
    {
        var rows = await QueryAsync(
            "SELECT user_name, role, read_seq FROM room_members WHERE room = $1 ORDER BY user_name COLLATE \"C\"", room);
        return [.. rows.Select(r => ((string)r[0]!, (string)r[1]!, (long)r[2]!))];
    }

    /// <summary>How many times the room's Orleans state has been written (its ETag version; 0 when never).</summary>
    public async Task<int> RoomStateWritesAsync(string room)
    {
        var rows = await QueryAsync(
            "SELECT Version FROM OrleansStorage WHERE GrainTypeString = 'room' AND GrainIdExtensionString = $1", room);
        return rows.Count == 0 ? 0 : (int)rows[0][0]!;
    }

    /// <summary>How many rows the room has in each table: a write that should not happen shows here.</summary>
    public async Task<(long Events, long Messages)> CountAsync(string room)
    {
        var rows = await QueryAsync(
            "SELECT (SELECT count(*) FROM room_events WHERE room = $1), (SELECT count(*) FROM messages WHERE room = $1)", room);
        return ((long)rows[0][0]!, (long)rows[0][1]!);
    }

    private Task<List<object?[]>> QueryAsync(string sql, params object[] parameters) =>
        Sql.QueryAsync(connectionString, sql, parameters);
}

/// <summary>One row of room_events.</summary>
public sealed record LoggedEvent(
    long Seq, string Kind, string Sender, DateTime Ts, string? Text, string? ClientMsgId, long? Target, string? User,
    long? ReplyTo = null, string? Emoji = null);

/// <summary>One row of messages.</summary>
public sealed record StoredMessage(
    long Seq, string Sender, string? ClientMsgId, string Text, DateTime Ts, DateTime? EditedTs, bool Deleted);
