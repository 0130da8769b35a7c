using ChatApp.Storage;
using Npgsql;

namespace ChatApp.Users;

/// <summary>
/// A user's rooms and how far they read each, from the membership rows the rooms write
/// (sql/0010_room_members.sql). The session reads them once when it activates (<see cref="SessionRows"/>);
/// moving a marker is one column of one row, sharing commits with the silo's other writes.
/// </summary>
public sealed class ReadMarkers(GroupCommit commits)
{
    /// <summary>Moves the marker to <paramref name="seq"/> if that is further; a marker never goes back.</summary>
    public Task MoveForward(string user, string room, long seq) => commits.Execute(() => new NpgsqlBatchCommand(
        "UPDATE room_members SET read_seq = $3 WHERE room = $1 AND user_name = $2 AND read_seq < $3")
    {
        Parameters = { new() { Value = room }, new() { Value = user }, new() { Value = seq } },
    });
}
