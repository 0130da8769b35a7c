using System.Net;
using System.Net.Http.Json;
using ChatApp.Silo.Database;
using ChatApp.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ChatApp.Tests.Database;

/// <summary>
/// sql/0010 moves members, bans and read markers out of the grain state blobs into rows. These
/// tests upgrade a database that the release before it wrote (Fixtures/v1-grain-state.sql) and
/// then use it through a running system: nothing anyone could see before the upgrade is lost.
/// </summary>
public sealed class MembershipMigrationTests
{
    private const string LastScriptBeforeRows = "0009_search_words.sql";

    [Fact]
    public async Task Members_bans_and_read_markers_move_from_grain_state_to_rows()
    {
        await using var database = await UpgradedV1DatabaseAsync();

        var members = await Sql.QueryAsync(database.ConnectionString,
            "SELECT room, user_name, role, read_seq FROM room_members ORDER BY room COLLATE \"C\", user_name COLLATE \"C\"");
        Assert.Equal(
        [
            ["dm:alice:bob", "alice", "member", 1L],
            ["dm:alice:bob", "bob", "member", 2L],
            ["leavers", "alice", "owner", 1L],
            ["lobby", "alice", "owner", 1L],
            ["lobby", "bob", "moderator", 6L],
            ["lobby", "carol", "member", 3L],
            ["secret", "alice", "owner", 1L],
            ["secret", "bob", "member", 2L],
        ], members);
        Assert.Equal([["lobby", "dave"]], await Sql.QueryAsync(database.ConnectionString, "SELECT room, user_name FROM room_bans"));

        // No stale copy is left in the blobs: sessions have none, rooms keep only what they still hold.
        Assert.Equal(0L, await Sql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM OrleansStorage WHERE GrainTypeString = 'session'"));
        var lobby = await Sql.ScalarAsync<string>(database.ConnectionString,
            "SELECT convert_from(PayloadBinary, 'UTF8') FROM OrleansStorage WHERE GrainTypeString = 'room' AND GrainIdExtensionString = 'lobby'");
        Assert.DoesNotContain("Members", lobby, StringComparison.Ordinal);
        Assert.StartsWith("""{"$id": "1", "$type": "ChatApp.Rooms.RoomState""", lobby, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upgraded_database_serves_the_same_rooms_roles_bans_and_unread_counts()
    {
        await using var system = await ChatSystem.StartAsync(database: await UpgradedV1DatabaseAsync());

        using var bob = system.Http(await LoginAsync(system, "bob"));
        var me = await bob.GetFromJsonAsync<Me>("/api/me");
        var rooms = me!.Rooms.ToDictionary(r => r.Id);
        Assert.Equal(["dm:alice:bob", "lobby", "secret"], rooms.Keys.Order(StringComparer.Ordinal));
        // Carol's five messages name bob; he had read up to seq 6, the second of them.
        Assert.Equal(3, rooms["lobby"].Unread);
        Assert.Equal(3, rooms["lobby"].Mentions);
        Assert.Equal(3, rooms["lobby"].MemberCount);

        var lobby = await bob.GetFromJsonAsync<Room>("/api/rooms/lobby");
        Assert.Equal([("alice", "owner"), ("bob", "moderator"), ("carol", "member")], lobby!.Members.Select(m => (m.User, m.Role)));

        using var carol = system.Http(await LoginAsync(system, "carol"));
        var carolsRooms = (await carol.GetFromJsonAsync<Me>("/api/me"))!.Rooms;
        Assert.Equal(["lobby"], carolsRooms.Select(r => r.Id));

        // The private room is still closed to outsiders, and the ban still holds.
        Assert.Equal(HttpStatusCode.NotFound, (await carol.GetAsync("/api/rooms/secret")).StatusCode);
        using var dave = system.Http(await LoginAsync(system, "dave"));
        var refused = await dave.PostAsJsonAsync("/api/rooms/lobby/members", new { user = "dave" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    /// <summary>A database as the release before 0010 left it, then brought up to date.</summary>
    private static async Task<TestDatabase> UpgradedV1DatabaseAsync()
    {
        var database = await TestDatabase.CreateAsync(migratedThrough: LastScriptBeforeRows);
        var fixture = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "v1-grain-state.sql"));
        await Sql.QueryAsync(database.ConnectionString, fixture);
        await Task.Run(() => DatabaseMigrator.Apply(database.ConnectionString, NullLogger.Instance));
        return database;
    }

    /// <summary>Every user of the fixture's data has the password "password-" and their name.</summary>
    private static async Task<string> LoginAsync(ChatSystem system, string user)
    {
        using var http = system.Http();
        return await Accounts.LoginAsync(http, user, $"password-{user}");
    }
}
