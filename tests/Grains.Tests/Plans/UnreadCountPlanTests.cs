using ChatApp.Tests.Support;
using ChatApp.Users;
using Xunit;

namespace ChatApp.Tests.Grains.Plans;

/// <summary>
/// What a member's unread counts read (at every hello) grows with their unread messages, not with
/// the database. A few rooms with long histories are where PostgreSQL, planning the rooms as a join,
/// hashed the whole messages table to count a handful of rows.
/// </summary>
public sealed class UnreadCountPlanTests : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        // 100 rooms of 2,000 messages by others; alice is named in the first 100 of each.
        await Sql.QueryAsync(_database.ConnectionString, """
            INSERT INTO messages (room, seq, sender, client_msg_id, text, ts, mentions)
            SELECT 'r' || (g % 100), g / 100 + 1, 'u' || (g % 7), 'c-' || g, 'message ' || g, now(),
                   CASE WHEN g < 10000 THEN ARRAY['alice'] ELSE ARRAY[]::text[] END
            FROM generate_series(0, 199999) g;
            ANALYZE messages;
            """);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Counting_a_few_unread_messages_in_three_rooms_reads_a_few_dozen_pages_of_two_hundred_thousand_messages()
    {
        var pages = await PagesRead.ByAsync(_database.ConnectionString, UnreadCounts.CountSql,
            "int[], text[], text[], bigint[]", "'{0,0,0}', '{alice,alice,alice}', '{r1,r2,r3}', '{1990,1995,2000}'");

        // The table is over 1,500 pages: reading it once is what the count must not do.
        Assert.InRange(pages, 1, 150);
    }

    [Fact]
    public async Task The_counts_are_those_after_each_marker_and_the_mentions_among_them()
    {
        await using var db = Npgsql.NpgsqlDataSource.Create(_database.ConnectionString);
        var counts = await new UnreadCounts(db).Count("alice", new Dictionary<string, long> { ["r1"] = 1990, ["r2"] = 2000, ["r3"] = 0 });

        // Every message is someone else's; alice is named in seqs 1 to 100 of each room.
        Assert.Equal(new UnreadCount(10, 0), counts["r1"]);
        Assert.Equal(new UnreadCount(0, 0), counts["r2"]);
        Assert.Equal(new UnreadCount(2000, 100), counts["r3"]);
    }

    [Fact]
    public async Task Counts_asked_for_at_once_share_queries_and_each_reader_gets_its_own()
    {
        await using var db = Npgsql.NpgsqlDataSource.Create(_database.ConnectionString);
        var unread = new UnreadCounts(db);
        var markers = new Dictionary<string, long> { ["r1"] = 1990, ["r2"] = 0 };

        // alice is named in seqs 1 to 100 of each room and wrote nothing; u3 wrote 286 of r2's 2,000.
        var counts = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => unread.Count(i % 2 == 0 ? "alice" : "u3", markers)));

        for (var i = 0; i < counts.Length; i += 2)
        {
            Assert.Equal(new UnreadCount(10, 0), counts[i]["r1"]);
            Assert.Equal(new UnreadCount(2000, 100), counts[i]["r2"]);
        }
        for (var i = 1; i < counts.Length; i += 2)
        {
            Assert.Equal(new UnreadCount(1714, 0), counts[i]["r2"]);
        }
        Assert.InRange(unread.RoundTrips, 1, counts.Length - 1);
    }
}
