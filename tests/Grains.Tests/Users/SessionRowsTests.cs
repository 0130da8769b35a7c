using ChatApp.Tests.Support;
using ChatApp.Users;
using Npgsql;
using Xunit;

namespace ChatApp.Tests.Grains.Users;

/// <summary>
/// What a session reads when it activates, in one round trip: each result lands where it belongs,
/// a user with no rows anywhere reads as empty, not as an error, and loads that come together
/// share round trips.
/// </summary>
public sealed class SessionRowsTests(TestDatabaseFixture database) : IClassFixture<TestDatabaseFixture>, IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;

    public Task InitializeAsync()
    {
        _db = NpgsqlDataSource.Create(database.ConnectionString);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task A_users_rooms_token_version_and_ended_devices_come_back_together()
    {
        var alice = Fresh.User("alice");
        var (first, second) = (Fresh.Room(), Fresh.Room());
        var (ended, live) = (Guid.NewGuid(), Guid.NewGuid());
        await Sql.QueryAsync(database.ConnectionString,
            "INSERT INTO users (name, password_hash, token_version) VALUES ($1, 'not a hash', 3)", alice);
        await Sql.QueryAsync(database.ConnectionString,
            "INSERT INTO room_members (room, user_name, role, read_seq) VALUES ($2, $1, 'member', 7), ($3, $1, 'owner', 0)", alice, first, second);
        await Sql.QueryAsync(database.ConnectionString, """
            INSERT INTO auth_sessions (id, user_name, created_at, last_used_at, expires_at, ended_at)
            VALUES ($2, $1, now(), now(), now() + interval '1 day', now()), ($3, $1, now(), now(), now() + interval '1 day', NULL)
            """, alice, ended, live);

        var snapshot = await new SessionRows(_db).Load(alice);

        Assert.Equal(new Dictionary<string, long> { [first] = 7, [second] = 0 }, snapshot.ReadMarkers);
        Assert.Equal(3, snapshot.TokenVersion);
        Assert.Equal([ended], snapshot.EndedDevices);
    }

    [Fact]
    public async Task A_user_the_tables_do_not_know_has_no_rooms_no_version_and_no_ended_devices()
    {
        var snapshot = await new SessionRows(_db).Load(Fresh.User("ghost"));

        Assert.Empty(snapshot.ReadMarkers);
        Assert.Null(snapshot.TokenVersion);
        Assert.Empty(snapshot.EndedDevices);
    }

    [Fact]
    public async Task Loads_that_come_together_share_round_trips_and_each_gets_only_its_own_rows()
    {
        var users = Enumerable.Range(0, 40).Select(_ => Fresh.User("storm")).ToArray();
        foreach (var (user, i) in users.Select((user, i) => (user, i)))
        {
            await Sql.QueryAsync(database.ConnectionString,
                "INSERT INTO users (name, password_hash, token_version) VALUES ($1, 'not a hash', $2)", user, i);
            await Sql.QueryAsync(database.ConnectionString,
                "INSERT INTO room_members (room, user_name, role, read_seq) VALUES ($2, $1, 'member', $3)", user, Fresh.Room(), (long)i);
        }
        var rows = new SessionRows(_db);

        var snapshots = await Task.WhenAll(users.Select(user => rows.Load(user)));

        for (var i = 0; i < users.Length; i++)
        {
            Assert.Equal(i, snapshots[i].TokenVersion);
            Assert.Equal([(long)i], snapshots[i].ReadMarkers.Values);
        }
        Assert.InRange(rows.RoundTrips, 1, users.Length - 1);
    }

    [Fact]
    public async Task Two_loads_of_one_user_at_once_get_collections_of_their_own()
    {
        var alice = Fresh.User("alice");
        await Sql.QueryAsync(database.ConnectionString,
            "INSERT INTO room_members (room, user_name, role, read_seq) VALUES ($2, $1, 'member', 1)", alice, Fresh.Room());
        var rows = new SessionRows(_db);

        var both = await Task.WhenAll(rows.Load(alice), rows.Load(alice));

        Assert.NotSame(both[0].ReadMarkers, both[1].ReadMarkers);
        both[0].ReadMarkers.Clear();
        Assert.Single(both[1].ReadMarkers);
    }
}
