using Npgsql;

namespace ChatApp.Rooms;

/// <summary>
/// The room's side of attachments (sql/0018_attachments.sql): which uploads a sender may attach.
/// The gateway stores uploads; the room grain, the one writer of its messages, attaches them to a
/// message (<see cref="RoomLog.TryAppendMessage"/>) and lets them go with it.
/// </summary>
public sealed class AttachmentLinks(NpgsqlDataSource db)
{
    /// <summary>
    /// The uploads among <paramref name="ids"/> that <paramref name="uploader"/> made to
    /// <paramref name="room"/> and no message carries yet, in the order of <paramref name="ids"/>.
    /// </summary>
    public async Task<IReadOnlyList<AttachmentInfo>> Unattached(string room, string uploader, IReadOnlyList<Guid> ids)
    {
        await using var cmd = db.CreateCommand("""
            SELECT id, name, size, content_type, thumbnail IS NOT NULL
            FROM attachments
            WHERE id = ANY($1) AND room = $2 AND uploader = $3 AND message_seq IS NULL
            ORDER BY array_position($1, id)
            """);
        cmd.Parameters.AddWithValue(ids.ToArray());
        cmd.Parameters.AddWithValue(room);
        cmd.Parameters.AddWithValue(uploader);
        var found = new List<AttachmentInfo>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            found.Add(new AttachmentInfo(reader.GetGuid(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetBoolean(4)));
        }
        return found;
    }
}
