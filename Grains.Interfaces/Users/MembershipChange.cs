namespace ChatApp.Users;

/// <summary>
/// A user's membership of a room began (<see cref="Joined"/>) or ended (left, kicked, banned),
/// at the room's event <see cref="Seq"/>. The seq tells a gateway where the user's other devices
/// start following the room, and which of two notices that crossed on the way is the newer.
/// </summary>
[GenerateSerializer, Immutable, Alias("ChatApp.MembershipChange")]
public sealed record MembershipChange(
    [property: Id(0)] string User,
    [property: Id(1)] string Room,
    [property: Id(2)] bool Joined,
    [property: Id(3)] long Seq)
{
    /// <summary>
    /// The membership event itself (leave, kick, ban), for the removed user's own sockets: they
    /// stop following the room at once, and this is the last of it they are shown.
    /// </summary>
    [Id(4)] public Rooms.RoomEvent? Event { get; init; }
}
