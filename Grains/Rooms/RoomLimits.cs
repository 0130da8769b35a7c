namespace ChatApp.Rooms;

/// <summary>Limits the room and session grains enforce themselves, bound from the silo's "Limits" section.</summary>
public sealed class RoomLimits
{
    /// <summary>Rooms one user may belong to; a join past it is refused with rate_limited.</summary>
    public int RoomsPerUser { get; set; } = 500;

    /// <summary>
    /// Rooms one user may make by joining an id nobody uses yet, in a burst…
    /// (<c>POST /api/rooms</c> is not counted: it says it means to create.)
    /// </summary>
    public int JoinCreatedRoomsBurst { get; set; } = 20;

    /// <summary>…and per minute after it.</summary>
    public double JoinCreatedRoomsPerMinute { get; set; } = 10;
}
