using ChatApp.Storage;
using Npgsql;

namespace ChatApp.Users;

/// <summary>
/// A user's rooms and how far they read each, from the membership rows the rooms write
/// (sql/0010_room_members.sql). The session reads them once when it activates; moving a marker
/// is one column of one row, sharing commits with the silo's other writes.
/// </summary>
public sealed class ReadMarkers(NpgsqlDataSource db, GroupCommit commits)
{
    /// <summary>Each room the user belongs to, with the last seq they read there.</summary>
    public async Task<Dictionary<string, long>> Load(string user)
    {
        var markers = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var cmd = db.CreateCommand("SELECT room, read_seq FROM room_members WHERE user_name = $1");
        cmd.Parameters.AddWithValue(user);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            markers[reader.GetString(0)] = reader.GetInt64(1);
        }
        return markers;
    }

    /// <summary>Moves the marker to <paramref name="seq"/> if that is further; a marker never goes back.</summary>
    public Task MoveForward(string user, string room, long seq) => commits.Execute(() => new NpgsqlBatchCommand(
        "UPDATE room_members SET read_seq = $3 WHERE room = $1 AND user_name = $2 AND read_seq < $3")
    {
        Parameters = { new() { Value = room }, new() { Value = user }, new() { Value = seq } },
    });
}
