using ChatApp.Errors;
using ChatApp.Users;
using Orleans.Concurrency;

namespace ChatApp.Rooms;

/// <summary>
/// Puts a user's room list together: the rooms' own summaries, asked side by side, and the
/// unread counts from the user's session, asked at the same time.
/// </summary>
[StatelessWorker]
public sealed class RoomListGrain : Grain, IRoomListGrain
{
    public async Task<IReadOnlyList<RoomSummary>> Summaries(UserName user, IReadOnlyList<string> rooms)
    {
        IReadOnlyList<RoomId> ids = [.. rooms.Distinct(StringComparer.Ordinal).Select(RoomId.Parse)];
        var unread = GrainFactory.Session(user).UnreadIn(ids);
        var summaries = await Task.WhenAll(ids.Select(async id =>
        {
            try
            {
                return await GrainFactory.Room(id).GetSummary(user);
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
