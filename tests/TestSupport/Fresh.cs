using ChatApp.Rooms;
using ChatApp.Users;

namespace ChatApp.Tests.Support;

/// <summary>
/// Names no other test uses, so that tests share a running system, a cluster or a database without
/// sharing rooms or users, and run in any order.
/// </summary>
public static class Fresh
{
    /// <summary>A valid room id (<c>^[a-z0-9][a-z0-9_-]{0,63}$</c>) not used before: <paramref name="prefix"/>, a dash, random hex; 20 characters.</summary>
    public static RoomId Room(string prefix = "room") => RoomId.Parse($"{prefix}-{Guid.NewGuid():N}"[..20]);

    /// <summary>A valid user name (<c>^[a-z0-9][a-z0-9_.-]{2,31}$</c>) not used before: <paramref name="prefix"/>, a dash, random hex; 20 characters.</summary>
    public static UserName User(string prefix = "user") => UserName.Parse($"{prefix}-{Guid.NewGuid():N}"[..20]);

    /// <summary>A clientMsgId not used before.</summary>
    public static string MsgId() => Guid.NewGuid().ToString("N");
}
