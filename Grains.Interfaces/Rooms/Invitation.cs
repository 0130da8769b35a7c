namespace ChatApp.Rooms;

/// <summary>
/// An invitation waiting for <see cref="User"/>'s answer: <see cref="InvitedBy"/> (the room's owner
/// or a moderator) asked them into <see cref="Room"/>. Only their acceptance makes them a member.
/// </summary>
[GenerateSerializer, Immutable, Alias("ChatApp.Invitation")]
public sealed record Invitation(
    [property: Id(0)] string Room,
    [property: Id(1)] string User,
    [property: Id(2)] string InvitedBy,
    [property: Id(3)] string Topic,
    [property: Id(4)] DateTime Ts);
