using System.Text.Json;
using ChatApp.Rooms;
using ChatApp.Tests.Support;
using Npgsql;
using Xunit;

namespace ChatApp.Tests.Grains.Durability;

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
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        // The plan every later execution of the statement reuses, as Npgsql's prepared statements do.
        await Execute(connection, "SET plan_cache_mode = force_generic_plan");
        await Execute(connection, $"PREPARE append(text, bigint[], text[], text[], text[], timestamptz[], text[], bigint[], jsonb[]) AS {RoomLog.AppendMessagesSql}");

        // Two new messages, one a reply to the room's first: both checks run, and both rows are stored.
        await using var explain = new NpgsqlCommand($$"""
            EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE append('big', '{{{LongHistory + 1}},{{LongHistory + 2}}}',
                '{u1,u2}', '{new-1,new-2}', '{one,two}', ARRAY[now(), now()], '{"",""}', '{NULL,1}', '{"{}","{}"}')
            """, connection);
        var plan = JsonDocument.Parse((string)(await explain.ExecuteScalarAsync())!).RootElement[0].GetProperty("Plan");

        var pages = plan.GetProperty("Shared Hit Blocks").GetInt64() + plan.GetProperty("Shared Read Blocks").GetInt64();
        // Reading the room's rows once would be over 600 pages of the table alone.
        Assert.InRange(pages, 1, 150);
        Assert.Equal(2L, await Sql.ScalarAsync<long>(_database.ConnectionString, "SELECT count(*) FROM room_events WHERE room = 'big'"));
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
