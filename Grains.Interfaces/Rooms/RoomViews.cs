namespace ChatApp.Rooms;

/// <summary>What a room list shows of one room, as seen by one user.</summary>
[GenerateSerializer, Immutable, Alias("ChatApp.RoomSummary")]
public sealed record RoomSummary(
    [property: Id(0)] string Id,
    [property: Id(1)] string Topic,
    [property: Id(2)] string Visibility,
    [property: Id(3)] int MemberCount,
    [property: Id(4)] long LastSeq,
    [property: Id(5)] long Unread,
    [property: Id(6)] long Mentions = 0);

/// <summary>One member of a room and the role they hold there.</summary>
[GenerateSerializer, Immutable, Alias("ChatApp.RoomMember")]
public sealed record RoomMember(
    [property: Id(0)] string User,
    [property: Id(1)] string Role,
    [property: Id(2)] bool Online);

/// <summary>A room in full: its summary, its owner and its members.</summary>
[GenerateSerializer, Immutable, Alias("ChatApp.RoomDetails")]
public sealed record RoomDetails(
    [property: Id(0)] RoomSummary Summary,
    [property: Id(1)] string Owner,
    [property: Id(2)] IReadOnlyList<RoomMember> Members);

/// <summary>What a joiner needs to draw the room at once.</summary>
[GenerateSerializer, Immutable, Alias("ChatApp.JoinResult")]
public sealed record JoinResult(
    [property: Id(0)] RoomDetails Room,
    [property: Id(1)] IReadOnlyList<ChatMessage> Messages,
    [property: Id(2)] long LastSeq);

/// <summary>The acknowledgement of a send: the message's seq and time, first time or repeat.</summary>
[GenerateSerializer, Immutable, Alias("ChatApp.SendResult")]
public sealed record SendResult(
    [property: Id(0)] long Seq,
    [property: Id(1)] DateTime Ts,
    [property: Id(2)] bool Repeated);

/// <summary>The roles and visibilities, spelled as on the wire.</summary>
public static class RoomRoles
{
    public const string Owner = "owner";
    public const string Moderator = "moderator";
    public const string Member = "member";
}

public static class RoomVisibility
{
    public const string Public = "public";
    public const string Private = "private";
}
