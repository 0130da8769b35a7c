namespace ChatApp.Rooms;

/// <summary>Limits the room grain enforces itself, bound from the silo's "Limits" section.</summary>
public sealed class RoomLimits
{
    /// <summary>Rooms one user may belong to; a join past it is refused with rate_limited.</summary>
    public int RoomsPerUser { get; set; } = 500;
}
