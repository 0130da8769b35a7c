using ChatApp.Users;
using Orleans.Concurrency;

namespace ChatApp.Rooms;

/// <summary>
/// A user's room list: each room's summary with the user's unread counts. Stateless, so the
/// silo a gateway reaches answers, and the many calls it makes (one per room, one to the user's
/// session) stay inside the cluster instead of each crossing from the gateway. It is neither a
/// room nor a session, so calling both keeps rooms and sessions calling one way only.
/// </summary>
[Alias("ChatApp.IRoomListGrain")]
public interface IRoomListGrain : IGrainWithIntegerKey
{
    /// <summary>The summaries of <paramref name="rooms"/> as <paramref name="user"/> sees them; a room that refuses (left meanwhile, say) is left out.</summary>
    [ReadOnly, Alias("Summaries")]
    Task<IReadOnlyList<RoomSummary>> Summaries(UserName user, IReadOnlyList<string> rooms);
}
