namespace ChatApp.Rooms;

/// <summary>
/// The persisted state of a room grain: whether it exists, who owns it, who may see it. It is
/// written when the room is made and hardly ever again. Members and bans grow with use, so they
/// are rows of their own (<c>room_members</c>, <c>room_bans</c>); the event log is the authority
/// on sequence numbers and is read again whenever the grain activates.
/// </summary>
[GenerateSerializer, Alias("ChatApp.RoomState")]
public sealed class RoomState
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public string Owner { get; set; } = "";
    [Id(2)] public string Visibility { get; set; } = RoomVisibility.Public;
    [Id(3)] public string Topic { get; set; } = "";
    // Ids 4 to 6 held the members, the bans and a copy of the last seq until they moved out (sql/0010).
    [Id(7)] public DateTime CreatedAt { get; set; }
}

/// <summary>
/// What an operator sees of a live room in the Orleans Dashboard: its stored state, its counts and
/// last seq, and the first members in name order (a room of 20,000 shows a page, not all of them).
/// </summary>
[GenerateSerializer, Immutable, Alias("ChatApp.RoomStateView")]
public sealed record RoomStateView(
    [property: Id(0)] bool Exists,
    [property: Id(1)] string Owner,
    [property: Id(2)] string Visibility,
    [property: Id(3)] string Topic,
    [property: Id(4)] DateTime CreatedAt,
    [property: Id(5)] long LastSeq,
    [property: Id(6)] int MemberCount,
    [property: Id(7)] int BannedCount,
    [property: Id(8)] IReadOnlyDictionary<string, string> Members);
