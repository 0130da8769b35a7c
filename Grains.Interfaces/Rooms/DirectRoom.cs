using ChatApp.Users;

namespace ChatApp.Rooms;

/// <summary>Direct-message rooms: dm:{a}:{b} with a &lt; b, made only by the server.</summary>
public static class DirectRoom
{
    public const string Prefix = "dm:";

    public static RoomId IdOf(UserName one, UserName two) => RoomId.Direct(one, two);

    public static bool IsDirect(string room) => room.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The member of the room who is not <paramref name="viewer"/>.</summary>
    public static string Other(string room, string viewer)
    {
        var names = room[Prefix.Length..].Split(':');
        return names.Length == 2 && names[0] == viewer ? names[1] : names[0];
    }
}
