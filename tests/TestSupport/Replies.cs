namespace ChatApp.Tests.Support;

/// <summary>The data of <c>hello</c>'s reply: the user the socket speaks for, its session, and the user's rooms.</summary>
public sealed record HelloReply(SignedInUser User, string SessionId, IReadOnlyList<RoomSummary> Rooms);

/// <summary>
/// The data of <c>join</c>'s reply: the room, its newest messages, and the seq they run up to; the
/// room's later events come on the socket.
/// </summary>
public sealed record JoinReply(Room Room, IReadOnlyList<Message> Messages, long LastSeq);

/// <summary>The data of <c>send</c>'s reply: the message's seq and time (the first ones again for a repeated clientMsgId).</summary>
public sealed record SendReply(long Seq, DateTimeOffset Ts);

/// <summary>The data of <c>edit</c>'s and <c>delete</c>'s replies: the seq of the event that made the change.</summary>
public sealed record ChangeReply(long Seq);
