using ChatApp.Tests.Support;
using Npgsql;
using Orleans.Hosting;
using Xunit;

namespace ChatApp.Tests.Grains.Storage;

/// <summary>
/// The grains' pooled connections are handed out again as they were left, without Npgsql's reset
/// (seven statements before the next checkout's own), unless the connection string asks for it.
/// </summary>
public sealed class ChatDataSourceTests(TestDatabaseFixture database) : IClassFixture<TestDatabaseFixture>
{
    [Fact]
    public async Task A_connection_back_from_the_pool_is_not_reset()
    {
        await using var db = ChatSiloExtensions.ChatDataSource(OneConnection(database.ConnectionString));

        Assert.Equal("left by the last checkout", await SetThenShowApplicationName(db));
    }

    [Fact]
    public async Task A_connection_string_that_asks_for_the_reset_gets_it()
    {
        await using var db = ChatSiloExtensions.ChatDataSource(OneConnection(database.ConnectionString) + ";No Reset On Close=false");

        Assert.NotEqual("left by the last checkout", await SetThenShowApplicationName(db));
    }

    // One connection in the pool, so that the second checkout is the first one's connection again.
    private static string OneConnection(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 1, MinPoolSize = 0 }.ConnectionString;

    private static async Task<string?> SetThenShowApplicationName(NpgsqlDataSource db)
    {
        await using (var first = await db.OpenConnectionAsync())
        {
            await using var set = new NpgsqlCommand("SET application_name = 'left by the last checkout'", first);
            await set.ExecuteNonQueryAsync();
        }
        await using var second = await db.OpenConnectionAsync();
        await using var show = new NpgsqlCommand("SHOW application_name", second);
        return (string?)await show.ExecuteScalarAsync();
    }
}
