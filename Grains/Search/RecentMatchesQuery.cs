using System.Text;
using Npgsql;

namespace ChatApp.Search;

/// <summary>
/// The SQL of one search: the newest <see cref="Window"/> matches across the rooms searched,
/// ranked by relevance, then by time.
/// </summary>
/// <remarks>
/// Ranking every match made a common word cost 240-350 ms on a room of 100,000 messages
/// (bench/README.md): the full-text index returns matches unordered, so each one was read and
/// ranked. Each room is therefore read newest first in its own branch with the room id as a
/// plain value, which lets PostgreSQL plan every branch on its own: walk the room backwards when
/// the words are common there, or use the (room, search) index when they are rare. A room held
/// in a parameter of a join would give every room one estimate, the same for a room of 100 and
/// one of 100,000 messages. The words appear in each branch, not in a shared subquery, for the
/// same reason: the planner sees them and knows how common they are.
/// </remarks>
public static class RecentMatchesQuery
{
    /// <summary>How many of the newest matches are ranked; older ones are not found.</summary>
    public const int Window = 1000;

    // sql/0009_search_words.sql: the words read as English and as written, each reading once.
    private const string Words = "chat_search_words($1)";

    public static NpgsqlCommand Create(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<string> rooms, string query, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfZero(rooms.Count);
        var cmd = new NpgsqlCommand(Sql(rooms.Count), connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter { Value = query });
        cmd.Parameters.Add(new NpgsqlParameter { Value = limit });
        foreach (var room in rooms)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = room });
        }
        return cmd;
    }

    /// <summary>Parameters: $1 the words, $2 the limit, $3 onwards one room each.</summary>
    public static string Sql(int roomCount)
    {
        var branches = new StringBuilder();
        for (var i = 0; i < roomCount; i++)
        {
            if (i > 0)
            {
                branches.Append("\n    UNION ALL\n");
            }
            branches.Append($"""
                    (SELECT room, seq, sender, text, ts, search FROM messages
                     WHERE room = ${i + 3} AND NOT deleted AND search @@ {Words}
                     ORDER BY seq DESC LIMIT {Window})
                """);
        }
        return $"""
            WITH per_room AS (
            {branches}
            ), newest AS (
                SELECT * FROM per_room ORDER BY ts DESC LIMIT {Window}
            )
            SELECT m.room, m.seq, m.sender, m.text, m.ts,
                   ts_headline('english', replace(replace(m.text, '<', ' ⟨⟨ '), '>', ' ⟩⟩ '), q.query,
                               'StartSel=«, StopSel=», MaxFragments=2, MaxWords=20, MinWords=5')
            FROM newest m, (SELECT {Words} AS query) q
            ORDER BY ts_rank(m.search, q.query) DESC, m.ts DESC
            LIMIT $2
            """;
    }
}
