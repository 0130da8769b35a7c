using ChatApp.Users;

namespace ChatApp.Rooms;

/// <summary>
/// A room's answer to a gateway's periodic check of the users whose sockets follow it: which of
/// them still belong to it, and its last seq then, against which each socket's place is checked.
/// </summary>
[GenerateSerializer, Immutable, Alias("ChatApp.FollowerCheck")]
public sealed record FollowerCheck(
    [property: Id(0)] IReadOnlyList<UserName> Members,
    [property: Id(1)] long LastSeq);
