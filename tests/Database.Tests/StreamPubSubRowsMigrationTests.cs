using ChatApp.Silo.Database;
using ChatApp.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ChatApp.Tests.Database;

/// <summary>
/// sql/0026: the chat streams keep no pub-sub state since the silos use implicit subscriptions
/// only, so the rows Orleans' pub-sub grains left behind go, and every other grain's state stays.
/// </summary>
public sealed class StreamPubSubRowsMigrationTests
{
    private const string LastScriptBefore = "0025_system_accounts.sql";

    [Fact]
    public async Task The_stream_pub_sub_rows_go_and_the_rooms_state_stays()
    {
        await using var database = await TestDatabase.CreateAsync(migratedThrough: LastScriptBefore);
        // As a silo of the release before wrote them: the room's state and its stream's pub-sub row.
        await Sql.QueryAsync(database.ConnectionString, """
            INSERT INTO orleansstorage (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring, serviceid, payloadbinary, version)
            VALUES (-73983845, 0, 0, 466464399, 'PubSubRendezvousGrain', 'chat/room/lobby', 'chatapp', NULL, 2),
                   (1, 0, 0, 2, 'room', 'lobby', 'chatapp', convert_to('{"Topic":"kept"}', 'UTF8'), 7)
            """);

        await Task.Run(() => DatabaseMigrator.Apply(database.ConnectionString, NullLogger.Instance));

        Assert.Equal(
            [["room", "lobby", 7]],
            await Sql.QueryAsync(database.ConnectionString, "SELECT graintypestring, grainidextensionstring, version FROM orleansstorage"));
    }
}
