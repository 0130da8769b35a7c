namespace ChatApp.Users;

/// <summary>A user's membership of a room began (<see cref="Joined"/>) or ended (left, kicked, banned).</summary>
[GenerateSerializer, Immutable, Alias("ChatApp.MembershipChange")]
public sealed record MembershipChange(
    [property: Id(0)] string User,
    [property: Id(1)] string Room,
    [property: Id(2)] bool Joined);
