using Orleans.Concurrency;

namespace ChatApp.Rooms;

/// <summary>The list of public rooms, read from PostgreSQL by whichever silo is at hand.</summary>
[Alias("ChatApp.IRoomDirectoryGrain")]
public interface IRoomDirectoryGrain : IGrainWithIntegerKey
{
    [ReadOnly, Alias("ListPublic")]
    Task<IReadOnlyList<string>> ListPublic(int limit);
}
