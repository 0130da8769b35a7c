namespace ChatApp.Users;

/// <summary>
/// A user's profile as it stood just after they changed it: what other people's pages show beside
/// the user's name. <paramref name="Avatar"/> is the picture's address, which names its version
/// (null: none). <paramref name="Stamp"/> is the database's clock when the profile was read, in
/// microseconds: notices travel one-way through several grains and may overtake each other, and
/// of two the one with the larger stamp read the newer profile, whichever gateway sent it.
/// </summary>
[GenerateSerializer, Immutable, Alias("ChatApp.ProfileChange")]
public sealed record ProfileChange(
    [property: Id(0)] string User,
    [property: Id(1)] string? DisplayName,
    [property: Id(2)] string? Avatar,
    [property: Id(3)] long Stamp);

/// <summary>A <see cref="ProfileChange"/> passed on into one room the user belongs to: for the room's followers.</summary>
[GenerateSerializer, Immutable, Alias("ChatApp.ProfileNotice")]
public sealed record ProfileNotice(
    [property: Id(0)] string Room,
    [property: Id(1)] ProfileChange Profile);
