namespace ChatApp.Rooms;

/// <summary>
/// One durable entry of a room's event log. Every change a client can see (a message, an
/// edit, a delete, a join or leave, a reaction) is one of these, numbered 1, 2, 3, … per room with no gaps.
/// Only the fields of its <see cref="Kind"/> are set; a message may carry <see cref="Attachments"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("ChatApp.RoomEvent")]
public sealed record RoomEvent(
    [property: Id(0)] string Room,
    [property: Id(1)] long Seq,
    [property: Id(2)] string Kind,
    [property: Id(3)] string Sender,
    [property: Id(4)] DateTime Ts,
    [property: Id(5)] string? Text = null,
    [property: Id(6)] string? ClientMsgId = null,
    [property: Id(7)] long? Target = null,
    [property: Id(8)] string? User = null,
    [property: Id(9)] long? ReplyTo = null,
    [property: Id(10)] string? Emoji = null,
    [property: Id(11)] string? Role = null,
    [property: Id(12)] IReadOnlyList<AttachmentInfo>? Attachments = null);

/// <summary>The kinds of <see cref="RoomEvent"/>, spelled as on the wire.</summary>
public static class RoomEventKind
{
    public const string Message = "message";
    public const string Edit = "edit";
    public const string Delete = "delete";
    public const string Join = "join";
    public const string Leave = "leave";
    public const string Kick = "kick";
    public const string Ban = "ban";
    public const string Topic = "topic";
    public const string Unban = "unban";
    /// <summary>A member's role changed (<see cref="RoomEvent.User"/> now holds <see cref="RoomEvent.Role"/>).</summary>
    public const string Role = "role";
    /// <summary>A user reacted to the message <see cref="RoomEvent.Target"/> with <see cref="RoomEvent.Emoji"/>.</summary>
    public const string Reaction = "reaction";
    /// <summary>A user took their reaction <see cref="RoomEvent.Emoji"/> off the message <see cref="RoomEvent.Target"/>.</summary>
    public const string Unreaction = "unreaction";
}
