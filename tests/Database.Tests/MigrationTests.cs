using ChatApp.Silo.Database;
using ChatApp.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ChatApp.Tests.Database;

public sealed class MigrationTests
{
    [Fact]
    public async Task MigrationsRunTwiceAndTheSecondRunAppliesNothing()
    {
        await using var database = await TestDatabase.CreateAsync(); // the first run
        var scripts = typeof(DatabaseMigrator).Assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith("sql.", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        var journalAfterFirstRun = await JournalAsync(database.ConnectionString);

        DatabaseMigrator.Apply(database.ConnectionString, NullLogger.Instance);

        Assert.Equal(scripts, journalAfterFirstRun);
        Assert.Equal(journalAfterFirstRun, await JournalAsync(database.ConnectionString));
    }

    [Fact]
    public async Task RoomEventsRefuseUpdatesAndDeletes()
    {
        await using var database = await TestDatabase.CreateAsync();
        await Sql.QueryAsync(database.ConnectionString,
            "INSERT INTO room_events (room, seq, kind, sender, ts) VALUES ('lobby', 1, 'joined', 'ada', now())");

        await Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
            Sql.QueryAsync(database.ConnectionString, "UPDATE room_events SET kind = 'left'"));
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
            Sql.QueryAsync(database.ConnectionString, "DELETE FROM room_events"));
        Assert.Equal(1L, await Sql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM room_events"));
    }

    [Fact]
    public async Task SendingTheSameClientMessageIdTwiceIsRefused()
    {
        await using var database = await TestDatabase.CreateAsync();
        const string Insert = """
            INSERT INTO messages (room, seq, sender, client_msg_id, text, ts)
            VALUES ('lobby', $1, 'ada', 'm-1', 'hello', now())
            """;
        await Sql.QueryAsync(database.ConnectionString, Insert, 1L);

        var duplicate = await Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
            Sql.QueryAsync(database.ConnectionString, Insert, 2L));

        Assert.Equal("messages_idempotency", duplicate.ConstraintName);
    }

    [Fact]
    public async Task TheDatabaseRefusesMessageTextOver16KibWhateverWroteIt()
    {
        await using var database = await TestDatabase.CreateAsync();
        // Four-byte characters: 4,096 of them are 16 KiB exactly, one more is over.
        var atTheBound = string.Concat(Enumerable.Repeat("\U0001F600", 4096));
        const string Message = "INSERT INTO messages (room, seq, sender, text, ts) VALUES ('lobby', $1, 'ada', $2, now())";
        const string Event = "INSERT INTO room_events (room, seq, kind, sender, payload, ts) VALUES ('lobby', $1, 'message', 'ada', jsonb_build_object('text', $2::text), now())";

        await Sql.QueryAsync(database.ConnectionString, Message, 1L, atTheBound);
        await Sql.QueryAsync(database.ConnectionString, Event, 1L, atTheBound);
        var message = await Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
            Sql.QueryAsync(database.ConnectionString, Message, 2L, atTheBound + " "));
        var roomEvent = await Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
            Sql.QueryAsync(database.ConnectionString, Event, 2L, atTheBound + " "));

        Assert.Equal("messages_text_at_most_16_kib", message.ConstraintName);
        Assert.Equal("room_events_text_at_most_16_kib", roomEvent.ConstraintName);
    }

    [Fact]
    public async Task A_credentials_change_and_a_device_end_are_stamped_with_the_database_clock_and_nothing_else_is()
    {
        await using var database = await TestDatabase.CreateAsync();
        var db = database.ConnectionString;
        await Sql.QueryAsync(db, "INSERT INTO users (name, password_hash) VALUES ('ada', 'x')");
        var device = Guid.NewGuid();
        await Sql.QueryAsync(db, """
            INSERT INTO auth_sessions (id, user_name, created_at, last_used_at, expires_at)
            VALUES ($1, 'ada', now(), now(), now() + interval '1 day')
            """, device);
        // Stamps well in the past, so that a new one shows.
        await Sql.QueryAsync(db, "UPDATE users SET token_changed_at = now() - interval '1 hour'");

        await Sql.QueryAsync(db, "UPDATE users SET password_hash = 'y'");
        await Sql.QueryAsync(db, "UPDATE auth_sessions SET last_used_at = now()");
        Assert.Equal(0L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM users WHERE token_changed_at > now() - interval '1 minute'"));
        Assert.Equal(0L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM auth_sessions WHERE ended_recorded_at IS NOT NULL"));

        // The ended_at a gateway writes is its own clock (here a day off); the stamp is the database's.
        await Sql.QueryAsync(db, "UPDATE users SET token_version = token_version + 1");
        await Sql.QueryAsync(db, "UPDATE auth_sessions SET ended_at = now() - interval '1 day', end_reason = 'logout'");
        Assert.Equal(1L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM users WHERE token_changed_at > now() - interval '1 minute'"));
        Assert.Equal(1L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM auth_sessions WHERE ended_recorded_at > now() - interval '1 minute'"));
    }

    private static async Task<List<string>> JournalAsync(string connectionString) =>
        (await Sql.QueryAsync(connectionString, "SELECT scriptname FROM schemaversions ORDER BY scriptname"))
            .Select(row => (string)row[0]!)
            .ToList();
}
