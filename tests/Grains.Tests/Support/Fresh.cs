namespace ChatApp.Tests.Grains.Support;

/// <summary>Names no other test uses, so tests share a cluster without sharing rooms or users.</summary>
public static class Fresh
{
    /// <summary>A valid room id (<c>^[a-z0-9][a-z0-9_-]{0,63}$</c>) not used before.</summary>
    public static string Room() => $"room-{Guid.NewGuid():N}";

    /// <summary>A valid user name (<c>^[a-z0-9][a-z0-9_.-]{2,31}$</c>) not used before, starting with <paramref name="prefix"/>.</summary>
    public static string User(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];

    /// <summary>A clientMsgId not used before.</summary>
    public static string MsgId() => Guid.NewGuid().ToString("N");
}
