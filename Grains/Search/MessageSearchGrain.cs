using ChatApp.Errors;
using ChatApp.Rooms;
using ChatApp.Storage;
using ChatApp.Users;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Npgsql;
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
public sealed partial class MessageSearchGrain(SearchDatabase db, IOptions<SearchOptions> options) : Grain, IMessageSearchGrain
{
    /// <summary>Longer than anyone types into a search box; each word is one more index lookup for every room.</summary>
    public const int MaxQueryLength = 256;

    public const int MaxWords = 16;

    public async Task<IReadOnlyList<SearchHit>> Search(UserName user, string query, RoomId? room, int limit)
    {
        if (string.IsNullOrWhiteSpace(query) || query.Length > MaxQueryLength)
        {
            throw new ChatException(ErrorCodes.Validation, $"q is 1 to {MaxQueryLength} characters.");
        }
        if (Word().Count(query) > MaxWords)
        {
            throw new ChatException(ErrorCodes.Validation, $"q has at most {MaxWords} words.");
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

    /// <summary>
    /// Runs the search in a transaction of its own whose statement_timeout PostgreSQL enforces: a
    /// search that would run long is cancelled by the server and answered <c>timeout</c>, rather
    /// than holding a connection and the caller for as long as it takes.
    /// </summary>
    private async Task<List<SearchHit>> Query(IReadOnlyList<string> rooms, string query, int limit)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var timeout = new NpgsqlCommand("SELECT set_config('statement_timeout', $1, true)", connection, transaction))
        {
            timeout.Parameters.AddWithValue($"{Math.Max(1, (long)options.Value.StatementTimeout.TotalMilliseconds)}ms");
            await timeout.ExecuteNonQueryAsync();
        }
        await using var cmd = RecentMatchesQuery.Create(connection, transaction, rooms, query, limit);
        var hits = new List<SearchHit>();
        try
        {
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var snippet = TagStandIns.Restore(reader.GetString(5));
                hits.Add(new SearchHit(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3),
                    reader.GetDateTime(4), snippet));
            }
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.QueryCanceled)
        {
            throw new ChatException(ErrorCodes.Timeout,
                $"The search took longer than {options.Value.StatementTimeout.TotalSeconds:0.###} s and was stopped; try rarer words or one room.");
        }
        return hits;
    }

    // What websearch_to_tsquery would take for a word: a run of letters or digits.
    [GeneratedRegex(@"[\p{L}\p{N}]+", RegexOptions.CultureInvariant)]
    private static partial Regex Word();

    private async Task<HashSet<string>> ReadableRooms(UserName user, IEnumerable<string> rooms)
    {
        var checks = rooms.Select(async r => (Room: r, Ok: await GrainFactory.GetGrain<IRoomGrain>(r).IsMember(user)));
        return (await Task.WhenAll(checks)).Where(c => c.Ok).Select(c => c.Room).ToHashSet(StringComparer.Ordinal);
    }
}
