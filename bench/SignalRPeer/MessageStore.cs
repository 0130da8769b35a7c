using Npgsql;

namespace ChatApp.Bench.SignalRPeer;

/// <summary>
/// One table of messages, like ChatApp's room events: a row per message, numbered by the database.
/// An insert is an autocommitted statement, so when it returns the message is committed (durable
/// when the server runs with fsync and synchronous_commit on, as the bench's does).
/// </summary>
public sealed class MessageStore(NpgsqlDataSource database)
{
    public async Task CreateTableAsync()
    {
        await using var command = database.CreateCommand("""
            CREATE TABLE IF NOT EXISTS messages (
                id bigserial PRIMARY KEY,
                room text NOT NULL,
                sender text NOT NULL,
                text text NOT NULL,
                sent_at timestamptz NOT NULL DEFAULT now());
            CREATE INDEX IF NOT EXISTS messages_room_id ON messages (room, id);
            """);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Stores a message; returns its id once committed.</summary>
    public async Task<long> InsertAsync(string room, string sender, string text)
    {
        await using var command = database.CreateCommand("INSERT INTO messages (room, sender, text) VALUES ($1, $2, $3) RETURNING id");
        command.Parameters.AddWithValue(room);
        command.Parameters.AddWithValue(sender);
        command.Parameters.AddWithValue(text);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
