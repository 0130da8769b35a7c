using Orleans.Concurrency;

namespace ChatApp.Rooms;

/// <summary>The list of public rooms, read from PostgreSQL by whichever silo is at hand.</summary>
[Alias("ChatApp.IRoomDirectoryGrain")]
public interface IRoomDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>At most <paramref name="limit"/> public rooms, those with most members first, then the most recently active.</summary>
    [ReadOnly, Alias("ListPublic")]
    Task<IReadOnlyList<string>> ListPublic(int limit);
}
