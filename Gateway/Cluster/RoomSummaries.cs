using ChatApp.Errors;
using ChatApp.Rooms;
using ChatApp.Users;

namespace ChatApp.Gateway.Cluster;

/// <summary>
/// Room summaries as one user sees them: each room's own, asked side by side, with the unread
/// counts from the user's session. The gateway puts them together because a session never calls
/// a room (rooms call sessions), so that no call can wait on itself in a circle.
/// </summary>
public static class RoomSummaries
{
    /// <summary>The summaries of <paramref name="ids"/>; a room that refuses (left meanwhile, say) is left out.</summary>
    public static async Task<IReadOnlyList<RoomSummary>> Of(IClusterClient cluster, UserName user, IEnumerable<string> ids)
    {
        IReadOnlyList<RoomId> rooms = [.. ids.Distinct(StringComparer.Ordinal).Select(RoomId.Parse)];
        var unread = cluster.Session(user).UnreadIn(rooms);
        var summaries = await Task.WhenAll(rooms.Select(async id =>
        {
            try
            {
                return await cluster.Room(id).GetSummary(user);
            }
            catch (ChatException)
            {
                return null;
            }
        }));
        var counts = await unread;
        return [.. summaries.OfType<RoomSummary>()
            .Select(s => counts.TryGetValue(s.Id, out var c) ? s with { Unread = c.Messages, Mentions = c.Mentions } : s)];
    }
}
