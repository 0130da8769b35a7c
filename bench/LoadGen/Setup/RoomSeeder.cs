using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace ChatApp.Bench.LoadGen.Setup;

/// <summary>
/// Fills a room's event log and message table straight through SQL COPY, for the history and
/// search benchmarks only: 100,000 sends through the room grain would take minutes of the run.
/// It must happen before the room's grain first activates, because the grain reads its last seq
/// (max(seq) of room_events) at activation; the first join afterwards then creates the room
/// and numbers its join event after the seeded messages.
/// </summary>
public static class RoomSeeder
{
    public static async Task<List<string>> SeedAsync(string db, string room, int count, IReadOnlyList<string> senders, Corpus corpus, CancellationToken cancellationToken)
    {
        var random = new Random(7);
        var start = DateTime.UtcNow.AddDays(-30);
        var texts = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            texts.Add(corpus.Message(random));
        }
        await using var source = NpgsqlDataSource.Create(db);
        await using var connection = await source.OpenConnectionAsync(cancellationToken);
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY room_events (room, seq, kind, sender, payload, ts) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            for (var i = 0; i < count; i++)
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(room, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync((long)i + 1, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync("message", NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(senders[i % senders.Count], NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(JsonSerializer.Serialize(new { text = texts[i], clientMsgId = $"seed{i}" }), NpgsqlDbType.Jsonb, cancellationToken);
                await copy.WriteAsync(start.AddSeconds(i * 25), NpgsqlDbType.TimestampTz, cancellationToken);
            }
            await copy.CompleteAsync(cancellationToken);
        }
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY messages (room, seq, sender, client_msg_id, text, ts) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            for (var i = 0; i < count; i++)
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(room, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync((long)i + 1, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(senders[i % senders.Count], NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync($"seed{i}", NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(texts[i], NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(start.AddSeconds(i * 25), NpgsqlDbType.TimestampTz, cancellationToken);
            }
            await copy.CompleteAsync(cancellationToken);
        }
        await using (var analyze = new NpgsqlCommand("ANALYZE messages; ANALYZE room_events", connection))
        {
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        }
        return texts;
    }
}
