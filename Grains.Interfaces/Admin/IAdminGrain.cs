using Orleans.Concurrency;

namespace ChatApp.Admin;

/// <summary>
/// Read-only figures for operators: every room with its size and activity. Nothing here is
/// checked for membership, so only the gateway's admin API, which checks the caller, calls it.
/// </summary>
[Alias("ChatApp.IAdminGrain")]
public interface IAdminGrain : IGrainWithIntegerKey
{
    /// <summary>The most recently active rooms first, at most <paramref name="limit"/> of them.</summary>
    [ReadOnly, Alias("Rooms")]
    Task<IReadOnlyList<RoomActivity>> Rooms(int limit);
}

/// <summary>
/// One room as an operator sees it. <see cref="Members"/> comes from the room grain's state (the
/// authority on membership); the counts and times come from the room's rows in PostgreSQL.
/// </summary>
[GenerateSerializer, Immutable, Alias("ChatApp.RoomActivity")]
public sealed record RoomActivity(
    [property: Id(0)] string Id,
    [property: Id(1)] string Visibility,
    [property: Id(2)] string Owner,
    [property: Id(3)] string Topic,
    [property: Id(4)] int Members,
    [property: Id(5)] long Messages,
    [property: Id(6)] long LastSeq,
    [property: Id(7)] DateTime CreatedAt,
    [property: Id(8)] DateTime? LastActivity);
