using ChatApp.Errors;
using ChatApp.Gateway.Cluster;
using ChatApp.Gateway.Contract;
using ChatApp.Gateway.Limits;
using ChatApp.Gateway.Protocol;
using ChatApp.Rooms;
using ChatApp.Users;

namespace ChatApp.Gateway.Sockets;

/// <summary>
/// What each client frame does once the socket said hello. Every grain call names the user
/// from the verified token held by the connection; nothing in a frame can change who acts.
/// </summary>
public static class FrameHandlers
{
    private static readonly object Empty = new();

    /// <summary>
    /// Runs a frame other than <c>send</c> and returns the reply's <c>data</c>. A send goes through
    /// <see cref="AcceptSendAsync"/>, so that the socket reads on while it commits.
    /// </summary>
    public static Task<object> HandleAsync(ClientFrame frame, ChatConnection connection, ConnectionHub hub, JoinGuard joins, RoomJoinBatcher joining,
        IClusterClient cluster, AbuseLimits limits)
    {
        var user = connection.User;
        return frame.Type switch
        {
            "join" => Join(frame, user, hub, joins, joining),
            "leave" => Leave(frame, connection, hub, cluster),
            "edit" => Edit(frame, connection, hub, cluster, limits),
            "delete" => Delete(frame, connection, hub, cluster, limits),
            "react" => React(frame, connection, hub, cluster, limits),
            "unreact" => Unreact(frame, connection, hub, cluster, limits),
            "history" => History(frame, connection, hub, cluster, limits),
            "ping" => Task.FromResult(Empty),
            "typing" => Typing(frame, user, cluster),
            "read" => Read(frame, user, cluster),
            "hello" => throw ClientFrame.BadRequest("This connection already said hello."),
            _ => throw ClientFrame.BadRequest($"Unknown frame type '{Truncate(frame.Type)}'."),
        };
    }

    private static async Task<object> Join(ClientFrame frame, UserName user, ConnectionHub hub, JoinGuard joins, RoomJoinBatcher joining)
    {
        // Direct rooms are made by the server for two people, never joined by name.
        var room = RoomId.ParseNamed(frame.String("room"));
        JoinResult joined;
        // The room tells the user's session before Join returns, and the session tells the user's other
        // gateways; a notice reaching this one meanwhile (the same join made on another gateway, say)
        // must not make the sockets follow "from now", past the seq the joiner is shown.
        using (joins.Begin(user, room))
        {
            // Gathered with the other joins of the room waiting here: one call, statement and commit for all.
            joined = await joining.JoinAsync(room, user);
            hub.JoinedHere(user, room, joined.LastSeq);
            // Every socket of this user here follows the room from the point the joiner was shown.
            await hub.FollowForUserAsync(user, room, joined.LastSeq);
        }
        return new { room = RoomView.From(joined.Room), messages = joined.Messages, lastSeq = joined.LastSeq };
    }

    /// <summary>
    /// Passes when the socket's user belongs to the room: the socket follows it, or else the user's
    /// session (in memory) lists it. Any other id, made up or not, is <c>not_found</c> before a room
    /// grain is woken for it, since waking one reads the database. Called once the frame's fields
    /// are read, so that a malformed frame is still <c>bad_request</c>.
    /// </summary>
    private static async Task CheckMember(RoomId room, ChatConnection connection, ConnectionHub hub, IClusterClient cluster)
    {
        if (!hub.Follows(connection, room) && !await cluster.Session(connection.User).BelongsTo(room))
        {
            throw new ChatException(ErrorCodes.NotFound, "No such room, or you are not in it.");
        }
    }

    private static async Task<object> Leave(ClientFrame frame, ChatConnection connection, ConnectionHub hub, IClusterClient cluster)
    {
        var user = connection.User;
        var room = RoomId.Parse(frame.String("room"));
        // The room tells the user's session, which tells this gateway (and any other holding the
        // user's sockets) with the leave event itself: every socket of the user sees it, then stops.
        await CheckMember(room, connection, hub, cluster);
        await cluster.Room(room).Leave(user);
        return Empty;
    }

    /// <summary>
    /// Checks a send and puts it in its room's queue; returns the reply's <c>data</c> to come once it
    /// commits. The socket may read its next frame meanwhile: its sends to a room keep their order
    /// in the room's queue, and go together with the other sends waiting there.
    /// </summary>
    public static async Task<Task<object>> AcceptSendAsync(ClientFrame frame, ChatConnection connection, ConnectionHub hub, RoomSendBatcher sends, IClusterClient cluster, AbuseLimits limits)
    {
        var user = connection.User;
        var room = RoomId.Parse(frame.String("room"));
        var clientMsgId = frame.String("clientMsgId");
        var text = frame.String("text");
        var replyTo = frame.OptionalLong("replyTo");
        var attachments = frame.OptionalIds("attachments", AttachmentRules.PerMessage);
        MessageRules.CheckClientMsgId(clientMsgId);
        MessageRules.CheckMessageText(text, attachments is { Count: > 0 });
        limits.TakeMessage(user);
        await CheckMember(room, connection, hub, cluster);
        return Acknowledged(sends.SendAsync(room, new MessageToSend(user, clientMsgId, text, replyTo, attachments)));
    }

    private static async Task<object> Acknowledged(Task<SendResult> sending)
    {
        var sent = await sending;
        return new { seq = sent.Seq, ts = sent.Ts };
    }

    private static async Task<object> Edit(ClientFrame frame, ChatConnection connection, ConnectionHub hub, IClusterClient cluster, AbuseLimits limits)
    {
        var user = connection.User;
        var room = RoomId.Parse(frame.String("room"));
        var seq = frame.Long("seq");
        var text = frame.String("text");
        MessageRules.CheckText(text);
        limits.TakeMessage(user);
        await CheckMember(room, connection, hub, cluster);
        return new { seq = await cluster.Room(room).Edit(user, seq, text) };
    }

    private static async Task<object> Delete(ClientFrame frame, ChatConnection connection, ConnectionHub hub, IClusterClient cluster, AbuseLimits limits)
    {
        var user = connection.User;
        var room = RoomId.Parse(frame.String("room"));
        var seq = frame.Long("seq");
        limits.TakeMessage(user);
        await CheckMember(room, connection, hub, cluster);
        return new { seq = await cluster.Room(room).Delete(user, seq) };
    }

    /// <summary>Adds a reaction; counted against the user's reaction rate, apart from messages.</summary>
    private static async Task<object> React(ClientFrame frame, ChatConnection connection, ConnectionHub hub, IClusterClient cluster, AbuseLimits limits)
    {
        var (room, seq, emoji) = ReadReaction(frame);
        limits.TakeReaction(connection.User);
        await CheckMember(room, connection, hub, cluster);
        return new { seq = await cluster.Room(room).React(connection.User, seq, emoji) };
    }

    private static async Task<object> Unreact(ClientFrame frame, ChatConnection connection, ConnectionHub hub, IClusterClient cluster, AbuseLimits limits)
    {
        var (room, seq, emoji) = ReadReaction(frame);
        limits.TakeReaction(connection.User);
        await CheckMember(room, connection, hub, cluster);
        return new { seq = await cluster.Room(room).Unreact(connection.User, seq, emoji) };
    }

    private static (RoomId Room, long Seq, string Emoji) ReadReaction(ClientFrame frame)
    {
        var room = RoomId.Parse(frame.String("room"));
        var seq = frame.Long("seq");
        var emoji = frame.String("emoji");
        ReactionRules.CheckEmoji(emoji);
        return (room, seq, emoji);
    }

    private static async Task<object> History(ClientFrame frame, ChatConnection connection, ConnectionHub hub, IClusterClient cluster, AbuseLimits limits)
    {
        var user = connection.User;
        limits.TakeHistoryRead(user);
        var room = RoomId.Parse(frame.String("room"));
        var before = frame.Long("before");
        var limit = frame.OptionalLong("limit") ?? 50;
        if (limit is < 1 or > 200)
        {
            throw new ChatException(ErrorCodes.Validation, "limit is 1 to 200.");
        }
        await CheckMember(room, connection, hub, cluster);
        return await cluster.Room(room).History(user, before, after: null, (int)limit);
    }

    /// <summary>Typing goes through the user's session, which passes it on only into rooms the user belongs to.</summary>
    private static async Task<object> Typing(ClientFrame frame, UserName user, IClusterClient cluster)
    {
        await cluster.Session(user).Typing(RoomId.Parse(frame.String("room")));
        return Empty;
    }

    private static async Task<object> Read(ClientFrame frame, UserName user, IClusterClient cluster)
    {
        var room = RoomId.Parse(frame.String("room"));
        await cluster.Session(user).MarkRead(room, frame.Long("seq"));
        return Empty;
    }

    private static string Truncate(string text) => text.Length <= 32 ? text : text[..32];
}
