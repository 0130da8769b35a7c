using System.Text.Json;

namespace ChatApp.Tests.Support;

/// <summary>
/// A frame the server sent on the socket, one record per <c>type</c> of docs/protocol.md ("Server
/// frames"), read the way a client of the contract reads it: camelCase JSON, unknown fields ignored.
/// </summary>
public abstract record ServerFrame
{
    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>Reads one frame; a type the contract does not name becomes an <see cref="UnknownFrame"/>.</summary>
    public static ServerFrame Parse(ReadOnlyMemory<byte> utf8)
    {
        using var document = JsonDocument.Parse(utf8);
        var json = document.RootElement;
        var type = json.ValueKind == JsonValueKind.Object && json.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
            ? t.GetString()
            : null;
        return type switch
        {
            "reply" => (ServerFrame?)json.Deserialize<ReplyFrame>(JsonOptions),
            "error" => json.Deserialize<ErrorFrame>(JsonOptions),
            "event" => json.Deserialize<EventFrame>(JsonOptions),
            "typing" => json.Deserialize<TypingFrame>(JsonOptions),
            "presence" => json.Deserialize<PresenceFrame>(JsonOptions),
            "unread" => json.Deserialize<UnreadFrame>(JsonOptions),
            "resync" => json.Deserialize<ResyncFrame>(JsonOptions),
            "mention" => json.Deserialize<MentionFrame>(JsonOptions),
            "invitation" => json.Deserialize<InvitationFrame>(JsonOptions),
            "profile" => json.Deserialize<ProfileFrame>(JsonOptions),
            _ => null,
        } ?? new UnknownFrame(type, json.Clone());
    }
}

/// <summary>The one answer to a client frame that carried a ref: a <see cref="ReplyFrame"/> or an <see cref="ErrorFrame"/>.</summary>
public abstract record AnswerFrame(string? Ref) : ServerFrame
{
    /// <summary>The reply; fails the test with the error when the answer was one.</summary>
    public ReplyFrame Ok() => this as ReplyFrame ?? throw new InvalidOperationException($"Expected a reply, got {this}");

    /// <summary>The reply's data, read as <typeparamref name="T"/>; fails the test with the error when the answer was one.</summary>
    public T Ok<T>() => Ok().Data.Deserialize<T>(JsonOptions) ?? throw new InvalidOperationException($"A reply without data: {this}");
}

/// <summary><c>{type:"reply", ref, ok:true, data}</c>: what the client frame asked for.</summary>
public sealed record ReplyFrame(string? Ref, JsonElement Data) : AnswerFrame(Ref);

/// <summary><c>{type:"error", ref, code, message}</c>, with <c>retryAfterMs</c> when the code is <c>rate_limited</c>.</summary>
public sealed record ErrorFrame(string? Ref, string Code, string Message, long? RetryAfterMs = null) : AnswerFrame(Ref);

/// <summary>
/// A durable room event, numbered in its room's one sequence; the fields after <see cref="Ts"/> by
/// kind: <c>message</c> text and clientMsgId, <c>edit</c> target and text, <c>delete</c> target,
/// <c>join</c>/<c>leave</c>/<c>kick</c>/<c>ban</c> user; a <c>message</c> that replies also replyTo,
/// <c>reaction</c>/<c>unreaction</c> target and emoji (version 1.1).
/// </summary>
public sealed record EventFrame(
    string Room, long Seq, string Kind, string Sender, DateTimeOffset Ts,
    string? Text = null, string? ClientMsgId = null, long? Target = null, string? User = null,
    long? ReplyTo = null, string? Emoji = null, string? Role = null, IReadOnlyList<Attachment>? Attachments = null) : ServerFrame;

/// <summary>Someone is typing in a room (ephemeral, no seq).</summary>
public sealed record TypingFrame(string Room, string User) : ServerFrame;

/// <summary>A member of a room came online or went offline (ephemeral).</summary>
public sealed record PresenceFrame(string Room, string User, bool Online) : ServerFrame;

/// <summary>The user's unread count (and unread mentions) of a room changed.</summary>
public sealed record UnreadFrame(string Room, long Count, long LastReadSeq, long Mentions) : ServerFrame;

/// <summary>The server could not deliver every event in order: the client reloads the room up to <see cref="LastSeq"/>.</summary>
public sealed record ResyncFrame(string Room, long LastSeq) : ServerFrame;

/// <summary>The message <see cref="Seq"/> of <see cref="Room"/> names the user with <c>@name</c>.</summary>
public sealed record MentionFrame(string Room, long Seq, string Sender) : ServerFrame;

/// <summary>A frame of a type the contract does not name, kept as it came.</summary>
public sealed record UnknownFrame(string? Type, JsonElement Body) : ServerFrame;

/// <summary><c>{type:"invitation", room, invitedBy, topic, ts}</c>: the user was invited into a room (addition).</summary>
public sealed record InvitationFrame(string Room, string InvitedBy, string Topic, DateTimeOffset Ts) : ServerFrame;

/// <summary>A member of <c>room</c> changed their profile: as it now is, stamped so the newest can be told (addition).</summary>
public sealed record ProfileFrame(string Room, string User, string? DisplayName, string? Avatar, long Stamp) : ServerFrame;
