using ChatApp.Errors;
using ChatApp.Rooms;
using ChatApp.Storage;
using ChatApp.Users;
using Orleans.Concurrency;

namespace ChatApp.Search;

/// <summary>
/// Searches with PostgreSQL's websearch_to_tsquery, so users type what they would in a search
/// engine ("exact phrase", -word, or) and no input can be a syntax error. The rooms searched are
/// the user's own, and each room in the answer is confirmed with its grain, which alone is the
/// authority on membership: a user removed a moment ago finds nothing there. Only the newest
/// matches are ranked (<see cref="RecentMatchesQuery"/>), so a common word costs no more than a rare one.
/// </summary>
[StatelessWorker]
public sealed class MessageSearchGrain(SearchDatabase db) : Grain, IMessageSearchGrain
{
    public const int MaxQueryLength = 4000;

    public async Task<IReadOnlyList<SearchHit>> Search(UserName user, string query, RoomId? room, int limit)
    {
        if (string.IsNullOrWhiteSpace(query) || query.Length > MaxQueryLength)
        {
            throw new ChatException(ErrorCodes.Validation, $"q is 1 to {MaxQueryLength} characters.");
        }
        MessageRules.CheckNoNul(query, "q");
        var rooms = await GrainFactory.Session(user).GetRooms();
        if (room is not null)
        {
            rooms = rooms.Contains(room.Value) ? [room.Value] : throw new ChatException(ErrorCodes.NotFound, "No such room.");
        }
        if (rooms.Count == 0)
        {
            return [];
        }
        var hits = await DatabaseFaults.Guard(() => Query(rooms, query, Math.Clamp(limit, 1, 100)));
        var readable = await ReadableRooms(user, hits.Select(h => h.Room).Distinct());
        return hits.Where(h => readable.Contains(h.Room)).ToList();
    }

    private async Task<List<SearchHit>> Query(IReadOnlyList<string> rooms, string query, int limit)
    {
        await using var cmd = RecentMatchesQuery.Create(db, rooms, query, limit);
        var hits = new List<SearchHit>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var snippet = TagStandIns.Restore(reader.GetString(5));
            hits.Add(new SearchHit(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3),
                reader.GetDateTime(4), snippet));
        }
        return hits;
    }

    private async Task<HashSet<string>> ReadableRooms(UserName user, IEnumerable<string> rooms)
    {
        var checks = rooms.Select(async r => (Room: r, Ok: await GrainFactory.GetGrain<IRoomGrain>(r).IsMember(user)));
        return (await Task.WhenAll(checks)).Where(c => c.Ok).Select(c => c.Room).ToHashSet(StringComparer.Ordinal);
    }
}
