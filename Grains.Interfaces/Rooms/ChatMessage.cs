namespace ChatApp.Rooms;

/// <summary>
/// A message as it stands now: its latest text, when it was last edited, and whether it was
/// deleted. A deleted message keeps its seq with empty text, so history never has holes.
/// <see cref="ReplyTo"/> is the seq of the message it answers; <see cref="Reactions"/> are the
/// reactions it carries now, one entry per emoji in the order they were first made (none on a
/// deleted message). <see cref="Attachments"/> are the files it carries (none once deleted).
/// </summary>
[GenerateSerializer, Immutable, Alias("ChatApp.ChatMessage")]
public sealed record ChatMessage(
    [property: Id(0)] string Room,
    [property: Id(1)] long Seq,
    [property: Id(2)] string Sender,
    [property: Id(3)] string Text,
    [property: Id(4)] DateTime Ts,
    [property: Id(5)] DateTime? EditedTs,
    [property: Id(6)] bool Deleted,
    [property: Id(7)] string? ClientMsgId,
    [property: Id(8)] long? ReplyTo = null,
    [property: Id(9)] IReadOnlyList<MessageReaction>? Reactions = null,
    [property: Id(10)] IReadOnlyList<AttachmentInfo>? Attachments = null);

/// <summary>One emoji on a message and who reacted with it, in the order they did.</summary>
[GenerateSerializer, Immutable, Alias("ChatApp.MessageReaction")]
public sealed record MessageReaction(
    [property: Id(0)] string Emoji,
    [property: Id(1)] IReadOnlyList<string> Users);

/// <summary>A page of messages in ascending seq, and whether more lie beyond it.</summary>
[GenerateSerializer, Immutable, Alias("ChatApp.MessagePage")]
public sealed record MessagePage(
    [property: Id(0)] IReadOnlyList<ChatMessage> Messages,
    [property: Id(1)] bool HasMore);

/// <summary>A run of consecutive log events, and whether the log goes on past it.</summary>
[GenerateSerializer, Immutable, Alias("ChatApp.EventPage")]
public sealed record EventPage(
    [property: Id(0)] IReadOnlyList<RoomEvent> Events,
    [property: Id(1)] bool HasMore);
