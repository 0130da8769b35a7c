using ChatApp.Rooms;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Grains.Plans;

/// <summary>
/// What a batch of sends reads does not grow with the room's history. A database of many small
/// rooms (direct messages, say) and one with a long history is where PostgreSQL, planning once for
/// every room, was tempted to read the whole room to check a few clientMsgIds.
/// </summary>
public sealed class SendBatchPlanTests : IAsyncLifetime
{
    private const int LongHistory = 20_000;

    private TestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        await Sql.QueryAsync(_database.ConnectionString, $"""
            INSERT INTO messages (room, seq, sender, client_msg_id, text, ts)
            SELECT 'dm' || (g % 10000), g / 10000 + 1, 'u' || (g % 7), 'd-' || g, 'hi', now()
            FROM generate_series(0, 39999) g;
            INSERT INTO messages (room, seq, sender, client_msg_id, text, ts)
            SELECT 'big', g, 'u' || (g % 7), 'c-' || g, 'message ' || g, now()
            FROM generate_series(1, {LongHistory}) g;
            ANALYZE messages;
            """);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Checking_and_storing_two_sends_reads_a_few_dozen_pages_in_a_room_of_twenty_thousand_messages()
    {
        // Two new messages, one a reply to the room's first: both checks run, and both rows are stored.
        var pages = await PagesRead.ByAsync(_database.ConnectionString, RoomLog.AppendMessagesSql,
            "text, bigint[], text[], text[], text[], timestamptz[], text[], bigint[], jsonb[]",
            $$"""'big', '{{{LongHistory + 1}},{{LongHistory + 2}}}', '{u1,u2}', '{new-1,new-2}', '{one,two}', ARRAY[now(), now()], '{"",""}', '{NULL,1}', '{"{}","{}"}'""");

        // Reading the room's rows once would be over 600 pages of the table alone.
        Assert.InRange(pages, 1, 150);
        Assert.Equal(2L, await Sql.ScalarAsync<long>(_database.ConnectionString, "SELECT count(*) FROM room_events WHERE room = 'big'"));
    }
}
