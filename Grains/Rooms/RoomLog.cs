using System.Text.Json;
using ChatApp.Storage;
using Npgsql;
using NpgsqlTypes;

namespace ChatApp.Rooms;

/// <summary>
/// A room's event log and message table in PostgreSQL (sql/0004_chat_schema.sql). Each write
/// is a single statement, so the event and the message state it changes commit together
/// without an explicit transaction; the silo's writes share round trips through <see cref="GroupCommit"/>.
/// </summary>
public sealed class RoomLog(NpgsqlDataSource db, GroupCommit commits)
{
    /// <summary>
    /// The statement of <see cref="TryAppendMessages"/>. Each message's checks are scalar subqueries
    /// with LIMIT 1, one index probe per message: written as EXISTS, PostgreSQL may plan them as a
    /// hashed subplan that reads every message of the room once per statement, and keeps that plan
    /// while the room grows (it chose so from statistics taken when rooms were small: 15 to 27 % of
    /// its CPU in the durable benchmark, and without bound in a room with a long history).
    /// </summary>
    internal const string AppendMessagesSql = """
        WITH input AS (
            SELECT * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::bigint[], $9::jsonb[])
                AS i(seq, sender, client_msg_id, text, ts, mentions, reply_to, payload)),
        refused AS (
            SELECT 1 FROM input i
            WHERE (SELECT true FROM messages WHERE room = $1 AND sender = i.sender AND client_msg_id = i.client_msg_id LIMIT 1)
               OR (i.reply_to IS NOT NULL AND (SELECT true FROM messages WHERE room = $1 AND seq = i.reply_to LIMIT 1) IS NULL)),
        m AS (
            INSERT INTO messages (room, seq, sender, client_msg_id, text, ts, mentions, reply_to)
            SELECT $1, seq, sender, client_msg_id, text, ts, string_to_array(mentions, ' '), reply_to FROM input
            WHERE NOT EXISTS (SELECT 1 FROM refused)
            RETURNING seq)
        INSERT INTO room_events (room, seq, kind, sender, payload, ts)
        SELECT $1, i.seq, 'message', i.sender, i.payload, i.ts FROM input i
        WHERE EXISTS (SELECT 1 FROM m)
        """;

    public async Task<long> LastSeq(string room)
    {
        await using var cmd = db.CreateCommand("SELECT coalesce(max(seq), 0) FROM room_events WHERE room = $1");
        cmd.Parameters.AddWithValue(room);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Appends a message event and its message row, unless this sender already sent this
    /// clientMsgId here, or the message it replies to is no message of this room, or one of its
    /// attachments is no upload of the sender to this room free to attach: then nothing is written
    /// and false is returned. The attachments are marked as the message's in the same statement.
    /// </summary>
    public async Task<bool> TryAppendMessage(RoomEvent e) => await commits.Execute(() =>
    {
        var attachments = e.Attachments ?? [];
        // Only a message with files pays for the attachment clauses.
        var statement = new NpgsqlBatchCommand(attachments.Count == 0
            ? """
            WITH m AS (
                INSERT INTO messages (room, seq, sender, client_msg_id, text, ts, mentions, reply_to)
                SELECT $1, $2, $3, $6, $7, $5, $8, $9
                WHERE $9::bigint IS NULL OR EXISTS (SELECT 1 FROM messages WHERE room = $1 AND seq = $9)
                ON CONFLICT (room, sender, client_msg_id) WHERE client_msg_id IS NOT NULL DO NOTHING
                RETURNING seq)
            INSERT INTO room_events (room, seq, kind, sender, payload, ts)
            SELECT $1, $2, 'message', $3, $4, $5 FROM m
            """
            : """
            WITH m AS (
                INSERT INTO messages (room, seq, sender, client_msg_id, text, ts, mentions, reply_to)
                SELECT $1, $2, $3, $6, $7, $5, $8, $9
                WHERE ($9::bigint IS NULL OR EXISTS (SELECT 1 FROM messages WHERE room = $1 AND seq = $9))
                  AND (SELECT count(*) FROM attachments
                       WHERE id = ANY($10) AND room = $1 AND uploader = $3 AND message_seq IS NULL) = cardinality($10)
                ON CONFLICT (room, sender, client_msg_id) WHERE client_msg_id IS NOT NULL DO NOTHING
                RETURNING seq),
            a AS (
                UPDATE attachments SET message_seq = $2, position = array_position($10, id)
                WHERE id = ANY($10) AND EXISTS (SELECT 1 FROM m))
            INSERT INTO room_events (room, seq, kind, sender, payload, ts)
            SELECT $1, $2, 'message', $3, $4, $5 FROM m
            """);
        AddEventParameters(statement.Parameters, e);
        statement.Parameters.AddWithValue((object?)e.ClientMsgId ?? DBNull.Value);
        statement.Parameters.AddWithValue(e.Text ?? "");
        statement.Parameters.AddWithValue(MentionedBy(e));
        statement.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)e.ReplyTo ?? DBNull.Value });
        if (attachments.Count > 0)
        {
            statement.Parameters.AddWithValue(attachments.Select(a => a.Id).ToArray());
        }
        return statement;
    }) == 1;

    /// <summary>
    /// Appends several messages without files (consecutive seqs, distinct clientMsgIds), all or
    /// none: when one of them repeats a clientMsgId its sender stored here before, or replies to no
    /// message of this room, nothing is written and false is returned, so the seqs stay gap-free.
    /// One statement, whatever the count: the rows travel as one array per column.
    /// </summary>
    public async Task<bool> TryAppendMessages(IReadOnlyList<RoomEvent> messages) => await commits.Execute(() =>
    {
        var statement = new NpgsqlBatchCommand(AppendMessagesSql);
        var p = statement.Parameters;
        p.AddWithValue(messages[0].Room);
        p.AddWithValue(messages.Select(e => e.Seq).ToArray());
        p.AddWithValue(messages.Select(e => e.Sender).ToArray());
        p.AddWithValue(messages.Select(e => e.ClientMsgId ?? "").ToArray());
        p.AddWithValue(messages.Select(e => e.Text ?? "").ToArray());
        p.AddWithValue(messages.Select(e => e.Ts).ToArray());
        // User names hold no spaces, so each message's mentions travel as one space-separated string.
        p.AddWithValue(messages.Select(e => string.Join(' ', MentionedBy(e))).ToArray());
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = messages.Select(e => e.ReplyTo).ToArray() });
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb, Value = messages.Select(PayloadOf).ToArray() });
        return statement;
    }) == messages.Count;

    /// <summary>The seq and time of the message this sender already stored under this clientMsgId.</summary>
    public async Task<SendResult?> FindByClientMsgId(string room, string sender, string clientMsgId)
    {
        await using var cmd = db.CreateCommand(
            "SELECT seq, ts FROM messages WHERE room = $1 AND sender = $2 AND client_msg_id = $3");
        cmd.Parameters.AddWithValue(room);
        cmd.Parameters.AddWithValue(sender);
        cmd.Parameters.AddWithValue(clientMsgId);
        await using var reader = await cmd.ExecuteReaderAsync();
        return await reader.ReadAsync() ? new SendResult(reader.GetInt64(0), reader.GetDateTime(1), Repeated: true) : null;
    }

    /// <summary>
    /// Appends an edit or delete event and applies it to the live message in the same statement. A
    /// delete also deletes the message's attachments, bytes and all: nobody can fetch them after.
    /// </summary>
    public async Task<bool> TryAppendChange(RoomEvent e) => await commits.Execute(() =>
    {
        var delete = e.Kind == RoomEventKind.Delete;
        var change = delete
            ? "deleted = true, text = $7, mentions = $9"
            : "text = $7, edited_ts = $5, mentions = $9";
        var files = delete
            ? ", a AS (DELETE FROM attachments WHERE room = $1 AND message_seq = $6 AND EXISTS (SELECT 1 FROM m))"
            : "";
        var statement = new NpgsqlBatchCommand($"""
            WITH m AS (
                UPDATE messages SET {change}
                WHERE room = $1 AND seq = $6 AND NOT deleted
                RETURNING seq){files}
            INSERT INTO room_events (room, seq, kind, sender, payload, ts)
            SELECT $1, $2, $8, $3, $4, $5 FROM m
            """);
        AddEventParameters(statement.Parameters, e);
        statement.Parameters.AddWithValue(e.Target ?? 0L);
        // A delete event carries no text, so the tombstone's text becomes empty.
        statement.Parameters.AddWithValue(e.Text ?? "");
        statement.Parameters.AddWithValue(e.Kind);
        statement.Parameters.AddWithValue(MentionedBy(e));
        return statement;
    }) == 1;

    /// <summary>Appends an event that changes no message: joins, leaves and the like.</summary>
    public Task Append(RoomEvent e) => commits.Execute(() =>
    {
        var statement = new NpgsqlBatchCommand(
            "INSERT INTO room_events (room, seq, kind, sender, payload, ts) VALUES ($1, $2, $6, $3, $4, $5)");
        AddEventParameters(statement.Parameters, e);
        statement.Parameters.AddWithValue(e.Kind);
        return statement;
    });

    public async Task<ChatMessage?> FindMessage(string room, long seq)
    {
        await using var cmd = db.CreateCommand($"{SelectMessages} WHERE room = $1 AND seq = $2");
        cmd.Parameters.AddWithValue(room);
        cmd.Parameters.AddWithValue(seq);
        var found = await ReadMessages(cmd);
        return found.Count == 1 ? found[0] : null;
    }

    /// <summary>Up to <paramref name="limit"/> messages just before <paramref name="before"/>, ascending.</summary>
    public async Task<MessagePage> MessagesBefore(string room, long before, int limit)
    {
        await using var cmd = db.CreateCommand($"{SelectMessages} WHERE room = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3");
        cmd.Parameters.AddWithValue(room);
        cmd.Parameters.AddWithValue(before);
        cmd.Parameters.AddWithValue(limit + 1);
        var found = await ReadMessages(cmd);
        var hasMore = found.Count > limit;
        var page = found.Take(limit).Reverse().ToList();
        return new MessagePage(page, hasMore);
    }

    /// <summary>Up to <paramref name="limit"/> messages just after <paramref name="after"/>, ascending.</summary>
    public async Task<MessagePage> MessagesAfter(string room, long after, int limit)
    {
        await using var cmd = db.CreateCommand($"{SelectMessages} WHERE room = $1 AND seq > $2 ORDER BY seq LIMIT $3");
        cmd.Parameters.AddWithValue(room);
        cmd.Parameters.AddWithValue(after);
        cmd.Parameters.AddWithValue(limit + 1);
        var found = await ReadMessages(cmd);
        return new MessagePage(found.Take(limit).ToList(), found.Count > limit);
    }

    public async Task<EventPage> EventsAfter(string room, long after, int limit)
    {
        await using var cmd = db.CreateCommand(
            "SELECT seq, kind, sender, payload::text, ts FROM room_events WHERE room = $1 AND seq > $2 ORDER BY seq LIMIT $3");
        cmd.Parameters.AddWithValue(room);
        cmd.Parameters.AddWithValue(after);
        cmd.Parameters.AddWithValue(limit + 1);
        var events = new List<RoomEvent>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var payload = JsonSerializer.Deserialize<EventPayload>(reader.GetString(3), Json) ?? new EventPayload();
            events.Add(new RoomEvent(room, reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetDateTime(4),
                payload.Text, payload.ClientMsgId, payload.Target, payload.User, payload.ReplyTo, payload.Emoji, payload.Role,
                payload.Attachments));
        }
        return new EventPage(events.Take(limit).ToList(), events.Count > limit);
    }

    /// <summary>Keeps the directory that lists public rooms in step with the room's own state.</summary>
    public async Task UpsertDirectory(string room, RoomState state)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO rooms (id, visibility, owner, topic, created_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (id) DO UPDATE SET visibility = excluded.visibility, owner = excluded.owner, topic = excluded.topic
            """);
        cmd.Parameters.AddWithValue(room);
        cmd.Parameters.AddWithValue(state.Visibility);
        cmd.Parameters.AddWithValue(state.Owner);
        cmd.Parameters.AddWithValue(state.Topic);
        cmd.Parameters.AddWithValue(state.CreatedAt);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Messages with their reactions, aggregated per emoji in the order each emoji first came, users
    /// in the order they reacted: a lookup by primary key per message, none for a deleted one.
    /// </summary>
    private const string SelectMessages = """
        SELECT m.room, m.seq, m.sender, m.text, m.ts, m.edited_ts, m.deleted, m.client_msg_id, m.reply_to,
            (SELECT json_agg(json_build_object('emoji', g.emoji, 'users', g.users) ORDER BY g.first)::text
             FROM (SELECT r.emoji, array_agg(r.user_name ORDER BY r.event_seq) AS users, min(r.event_seq) AS first
                   FROM message_reactions r
                   WHERE r.room = m.room AND r.seq = m.seq AND NOT m.deleted
                   GROUP BY r.emoji) g),
            (SELECT json_agg(json_build_object('id', a.id, 'name', a.name, 'size', a.size, 'contentType', a.content_type,
                                               'hasThumbnail', a.thumbnail IS NOT NULL) ORDER BY a.position)::text
             FROM attachments a
             WHERE a.room = m.room AND a.message_seq = m.seq AND NOT m.deleted)
        FROM messages m
        """;

    private static async Task<List<ChatMessage>> ReadMessages(NpgsqlCommand cmd)
    {
        var list = new List<ChatMessage>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            list.Add(new ChatMessage(
                reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetDateTime(4),
                reader.IsDBNull(5) ? null : reader.GetDateTime(5), reader.GetBoolean(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetInt64(8),
                reader.IsDBNull(9) ? [] : JsonSerializer.Deserialize<List<MessageReaction>>(reader.GetString(9), Json) ?? [],
                reader.IsDBNull(10) ? [] : JsonSerializer.Deserialize<List<AttachmentInfo>>(reader.GetString(10), Json) ?? []));
        }
        return list;
    }

    /// <summary>Whom the event's text names, its sender left out: nobody is mentioned to themselves.</summary>
    private static string[] MentionedBy(RoomEvent e) =>
        [.. Mentions.In(e.Text ?? "").Where(name => name != e.Sender)];

    // $1 room, $2 seq, $3 sender, $4 payload, $5 ts: the columns every event has.
    internal static void AddEventParameters(NpgsqlParameterCollection parameters, RoomEvent e)
    {
        parameters.AddWithValue(e.Room);
        parameters.AddWithValue(e.Seq);
        parameters.AddWithValue(e.Sender);
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = PayloadOf(e) });
        parameters.AddWithValue(e.Ts);
    }

    /// <summary>The event's kind-specific fields as the log's jsonb column holds them.</summary>
    internal static string PayloadOf(RoomEvent e) => JsonSerializer.Serialize(
        new EventPayload { Text = e.Text, ClientMsgId = e.ClientMsgId, Target = e.Target, User = e.User, ReplyTo = e.ReplyTo, Emoji = e.Emoji, Role = e.Role,
            Attachments = e.Attachments is { Count: > 0 } files ? [.. files] : null },
        Json);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The kind-specific fields of an event, as stored in the log's jsonb column.</summary>
    private sealed class EventPayload
    {
        public string? Text { get; set; }
        public string? ClientMsgId { get; set; }
        public long? Target { get; set; }
        public string? User { get; set; }
        public long? ReplyTo { get; set; }
        public string? Emoji { get; set; }
        public string? Role { get; set; }
        public List<AttachmentInfo>? Attachments { get; set; }
    }
}
