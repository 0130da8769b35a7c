using Orleans.Concurrency;

namespace ChatApp.Search;

/// <summary>
/// Full-text search over the messages a user may read. Stateless: any silo answers, each call
/// being one PostgreSQL query over the rooms the user belongs to.
/// </summary>
[Alias("ChatApp.IMessageSearchGrain")]
public interface IMessageSearchGrain : IGrainWithIntegerKey
{
    /// <summary>Matches of <paramref name="query"/> (web-search syntax), best first; only in <paramref name="room"/> when given.</summary>
    [ReadOnly, Alias("Search")]
    Task<IReadOnlyList<SearchHit>> Search(Users.UserName user, string query, Rooms.RoomId? room, int limit);
}

/// <summary>One found message, with a snippet whose matched words stand between « and ».</summary>
[GenerateSerializer, Immutable, Alias("ChatApp.SearchHit")]
public sealed record SearchHit(
    [property: Id(0)] string Room,
    [property: Id(1)] long Seq,
    [property: Id(2)] string Sender,
    [property: Id(3)] string Text,
    [property: Id(4)] DateTime Ts,
    [property: Id(5)] string Snippet);
