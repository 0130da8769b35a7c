namespace ChatApp.Rooms;

/// <summary>
/// Which of the chat streams' queues each room's events travel through, as the silos lay them
/// out (their configured queue count and mapping). Each queue is read by one pulling agent on
/// some silo, so rooms on every queue exercise every agent: the gateway's warm-up asks it to pick
/// its rooms.
/// </summary>
[Alias("ChatApp.Rooms.IRoomQueuesGrain")]
public interface IRoomQueuesGrain : IGrainWithIntegerKey
{
    /// <summary>The queue of each room, in order: a name shared by the rooms of one queue.</summary>
    [Alias("QueuesOf")]
    Task<string[]> QueuesOf(RoomId[] rooms);
}
