using ChatApp.Storage;
using Npgsql;
using Orleans.Concurrency;

namespace ChatApp.Rooms;

/// <summary>
/// A stateless reader of the rooms table: any number of activations may serve it at once,
/// on any silo, since each call is one query.
/// </summary>
[StatelessWorker]
public sealed class RoomDirectoryGrain(NpgsqlDataSource db) : Grain, IRoomDirectoryGrain
{
    public Task<IReadOnlyList<string>> ListPublic(int limit) => DatabaseFaults.Guard(async () =>
    {
        await using var cmd = db.CreateCommand("SELECT id FROM rooms WHERE visibility = 'public' ORDER BY id LIMIT $1");
        cmd.Parameters.AddWithValue(Math.Clamp(limit, 1, 1000));
        var ids = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }
        return (IReadOnlyList<string>)ids;
    });
}
