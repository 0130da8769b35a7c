using ChatApp.Errors;
using ChatApp.Users;

namespace ChatApp.Rooms;

/// <summary>One send of a batch (<see cref="IRoomGrain.SendMany"/>): what <see cref="IRoomGrain.Send"/> takes, with its sender.</summary>
[GenerateSerializer, Immutable, Alias("ChatApp.MessageToSend")]
public sealed record MessageToSend(
    [property: Id(0)] UserName User,
    [property: Id(1)] string ClientMsgId,
    [property: Id(2)] string Text,
    [property: Id(3)] long? ReplyTo = null,
    [property: Id(4)] IReadOnlyList<Guid>? Attachments = null);

/// <summary>
/// The answer to one send of a batch: its acknowledgement, or the refusal <see cref="IRoomGrain.Send"/>
/// would have thrown for it alone.
/// </summary>
[GenerateSerializer, Immutable, Alias("ChatApp.SendOutcome")]
public sealed record SendOutcome(
    [property: Id(0)] SendResult? Sent,
    [property: Id(1)] ChatException? Refused)
{
    public static SendOutcome Of(SendResult sent) => new(sent, null);

    public static SendOutcome Of(ChatException refused) => new(null, refused);

    /// <summary>Why the send was not acknowledged (its refusal, or "retry" when the outcome names none); null when it was.</summary>
    public ChatException? Failure => Sent is null ? Refused ?? new ChatException(ErrorCodes.Unavailable, "The message could not be stored; retry.") : null;

    /// <summary>The acknowledgement, or the refusal thrown.</summary>
    public SendResult Result => Sent ?? throw Failure!;
}
