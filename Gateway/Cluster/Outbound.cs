using ChatApp.Rooms;

namespace ChatApp.Gateway.Cluster;

/// <summary>
/// What waits in a connection's send queue. Besides ready frames, the queue carries the
/// instructions that decide which room events the socket sees, so that they take effect in
/// exactly their place among the frames.
/// </summary>
public abstract record Outbound
{
    /// <summary>What the item weighs in its queue: the bytes of its frame; instructions weigh nothing.</summary>
    public virtual int Size => 0;

    /// <summary>A frame to send as is: a reply, an error, a resync.</summary>
    public sealed record Frame(byte[] Bytes) : Outbound
    {
        public override int Size => Bytes.Length;
    }

    /// <summary>A live room event, already serialized, shared by every socket that gets it.</summary>
    public sealed record Event(RoomEvent RoomEvent, byte[] Bytes) : Outbound
    {
        public override int Size => Bytes.Length;
    }

    /// <summary>
    /// Start following a room after <paramref name="AfterSeq"/> (null: after its current end),
    /// catching up from the log unless <paramref name="ReadLog"/> is false: the hub knows that
    /// nothing after that seq was passed on here before the socket followed.
    /// </summary>
    public sealed record Follow(string Room, long? AfterSeq, bool ReadLog = true) : Outbound;

    /// <summary>Stop following a room, after showing its <paramref name="FinalEvent"/> (the user's leave, kick or ban) when given.</summary>
    public sealed record Unfollow(string Room, RoomEvent? FinalEvent = null) : Outbound;

    /// <summary>
    /// Check the log for events this socket may have missed (a relay was lost, say); with
    /// <paramref name="IfBefore"/>, only if the socket has not yet reached that seq.
    /// </summary>
    public sealed record CatchUp(string Room, long? IfBefore = null) : Outbound;
}
