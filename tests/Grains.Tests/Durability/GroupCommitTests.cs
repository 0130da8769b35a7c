using ChatApp.Rooms;
using ChatApp.Storage;
using ChatApp.Tests.Grains.Support;
using ChatApp.Tests.Support;
using Microsoft.Extensions.Options;
using Npgsql;
using Xunit;

namespace ChatApp.Tests.Grains.Durability;

/// <summary>
/// Rooms' writes sharing PostgreSQL round trips: everything written is committed, each write hears
/// its own outcome, and one bad statement fails alone.
/// </summary>
public sealed class GroupCommitTests(TestDatabaseFixture database) : IClassFixture<TestDatabaseFixture>, IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;
    private GroupCommit _commits = null!;
    private RoomLog _log = null!;

    public Task InitializeAsync()
    {
        _db = NpgsqlDataSource.Create(database.ConnectionString);
        _commits = new GroupCommit(_db);
        _log = new RoomLog(_db, _commits);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _commits.DisposeAsync();
        await _db.DisposeAsync();
    }

    private static RoomEvent Message(string room, long seq, string clientMsgId) =>
        new(room, seq, RoomEventKind.Message, "alice", DateTime.UtcNow, Text: $"message {seq}", ClientMsgId: clientMsgId);

    [Fact]
    public async Task Concurrent_writes_of_many_rooms_all_commit_in_fewer_round_trips()
    {
        var rooms = Enumerable.Range(0, 20).Select(_ => Fresh.Room()).ToArray();
        var writes = rooms.SelectMany(room => Enumerable.Range(1, 20).Select(seq => (room, seq))).ToArray();

        var stored = await Task.WhenAll(writes.Select(w => _log.TryAppendMessage(Message(w.room, w.seq, $"m{w.seq}"))));

        Assert.All(stored, Assert.True);
        foreach (var room in rooms)
        {
            var page = await _log.EventsAfter(room, 0, 100);
            Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), page.Events.Select(e => e.Seq));
        }
        Assert.InRange(_commits.Batches, 1, writes.Length - 1);
    }

    [Fact]
    public async Task A_statement_that_fails_fails_alone_and_its_batch_mates_commit()
    {
        var room = Fresh.Room();
        Assert.True(await _log.TryAppendMessage(Message(room, 1, "first")));

        // Seq 1 again is refused by the log's primary key; the other rooms' writes beside it are not.
        var others = Enumerable.Range(0, 50).Select(_ => Fresh.Room()).ToArray();
        var clash = _log.TryAppendMessage(Message(room, 1, "clash"));
        var fine = others.Select(other => _log.TryAppendMessage(Message(other, 1, "fine"))).ToArray();

        var refused = await Assert.ThrowsAsync<PostgresException>(() => clash);
        Assert.Equal(PostgresErrorCodes.UniqueViolation, refused.SqlState);
        Assert.All(await Task.WhenAll(fine), Assert.True);
        foreach (var other in others)
        {
            Assert.Single((await _log.EventsAfter(other, 0, 10)).Events);
        }
        Assert.Equal(["message 1"], (await _log.MessagesAfter(room, 0, 10)).Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task A_broken_batch_goes_again_one_write_at_a_time_on_one_connection()
    {
        // A pool of its own, named, so that PostgreSQL can say how many connections it ever opened:
        // they stay open, idle, until the pool is disposed.
        var name = $"group-commit-{Guid.NewGuid():N}"[..40];
        await using var db = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(database.ConnectionString) { ApplicationName = name }.ConnectionString);
        // Paced, so that the clash and the fifty writes behind it all wait for the same batch.
        await using var paced = new GroupCommit(db, Options.Create(new GroupCommitOptions { Interval = TimeSpan.FromMilliseconds(200) }));
        var log = new RoomLog(db, paced);
        var room = Fresh.Room();
        Assert.True(await log.TryAppendMessage(Message(room, 1, "first")));

        var clash = log.TryAppendMessage(Message(room, 1, "clash"));
        var fine = Enumerable.Range(0, 50).Select(_ => log.TryAppendMessage(Message(Fresh.Room(), 1, "fine"))).ToArray();

        await Assert.ThrowsAsync<PostgresException>(() => clash);
        Assert.All(await Task.WhenAll(fine), Assert.True);
        var opened = await Sql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", name);
        Assert.InRange(opened, 1, GroupCommit.Writers + 1);
    }

    [Fact]
    public async Task A_repeated_client_message_id_is_stored_once_even_within_one_batch()
    {
        var room = Fresh.Room();

        var both = await Task.WhenAll(
            _log.TryAppendMessage(Message(room, 1, "same")),
            _log.TryAppendMessage(Message(room, 2, "same")));

        Assert.Equal(1, both.Count(stored => stored));
        Assert.Single((await _log.EventsAfter(room, 0, 10)).Events);
    }

    [Fact]
    public async Task Writes_that_trickle_in_one_at_a_time_share_a_paced_commit()
    {
        await using var paced = new GroupCommit(_db, Options.Create(new GroupCommitOptions { Interval = TimeSpan.FromMilliseconds(200) }));
        var log = new RoomLog(_db, paced);
        var rooms = Enumerable.Range(0, 10).Select(_ => Fresh.Room()).ToArray();
        // A connection opened and the statement prepared, then a quiet spell: no write below waits on those.
        Assert.True(await log.TryAppendMessage(Message(Fresh.Room(), 1, "warm")));
        await Task.Delay(300);
        var before = paced.Batches;

        // Each room writes alone, a few milliseconds after the one before: no two are ever waiting together.
        var writes = new List<Task<bool>>();
        foreach (var room in rooms)
        {
            writes.Add(log.TryAppendMessage(Message(room, 1, "trickle")));
            await Task.Delay(5);
        }

        Assert.All(await Task.WhenAll(writes), Assert.True);
        // The first went at once; the rest waited out the interval together.
        Assert.InRange(paced.Batches - before, 1, 3);
    }

    [Fact]
    public async Task A_write_after_a_quiet_spell_is_not_held_for_company()
    {
        await using var paced = new GroupCommit(_db, Options.Create(new GroupCommitOptions { Interval = TimeSpan.FromMinutes(10) }));
        var log = new RoomLog(_db, paced);

        var stored = await log.TryAppendMessage(Message(Fresh.Room(), 1, "alone")).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(stored);
    }
}
