using System.Data;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace ChatApp.Gateway.Attachments;

/// <summary>
/// Files as rows of <c>attachments</c> (sql/0018_attachments.sql), their bytes as rows of
/// <c>attachment_chunks</c> of <see cref="ChunkBytes"/> each, written by binary COPY
/// (sql/0023_attachment_chunks.sql says why). Files stored before that keep their bytes in the
/// row's own <c>content</c> and are read from there. Reads stream either (sequential access), so
/// serving a 10 MB file does not hold it in memory.
/// </summary>
public sealed class PostgresAttachmentStore(NpgsqlDataSource db, IOptions<AttachmentOptions> options) : IAttachmentStore
{
    /// <summary>The most bytes in one chunk row: with its key and headers it fits one 8 kB page, so it is never TOASTed.</summary>
    public const int ChunkBytes = 8000;

    // The two kinds of advisory lock an upload takes, so that a user's and a room's never collide.
    private const int UserLock = 18_001;
    private const int RoomLock = 18_002;

    // Uploads whose bytes go into PostgreSQL take turns (AttachmentOptions.PostgresWriters): megabytes
    // written side by side contend for the write-ahead log's locks, which costs PostgreSQL several
    // times the CPU and time of the same bytes written one after another, and holds up every chat
    // message's commit with them. A semaphore's waiters are let in in the order they came.
    private readonly SemaphoreSlim _byteWriters = new(options.Value.PostgresWriters);

    /// <summary>
    /// Quotas are checked and the row written in one transaction holding the uploader's and then
    /// the room's advisory lock (always in that order, so two uploads never wait on each other in a
    /// circle): concurrent uploads of one user, or to one room, are counted one after another and
    /// cannot together pass a quota.
    /// </summary>
    public async Task<UploadOutcome> Add(NewUpload upload, long userQuotaBytes, long roomQuotaBytes, CancellationToken cancellationToken)
    {
        await _byteWriters.WaitAsync(cancellationToken);
        try
        {
            return await Record(upload, storeBytes: true, userQuotaBytes, roomQuotaBytes, cancellationToken);
        }
        finally
        {
            _byteWriters.Release();
        }
    }

    /// <summary>
    /// Writes the upload's row as <see cref="Add"/> does, with its bytes or (for a store that keeps
    /// them elsewhere, <see cref="FolderAttachmentStore"/>) without: the quotas count its size either way.
    /// </summary>
    internal async Task<UploadOutcome> Record(
        NewUpload upload, bool storeBytes, long userQuotaBytes, long roomQuotaBytes, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockBoth = new NpgsqlCommand(
            "SELECT pg_advisory_xact_lock($1, hashtext($2)), pg_advisory_xact_lock($3, hashtext($4))", connection, transaction))
        {
            lockBoth.Parameters.AddWithValue(UserLock);
            lockBoth.Parameters.AddWithValue(upload.Uploader);
            lockBoth.Parameters.AddWithValue(RoomLock);
            lockBoth.Parameters.AddWithValue(upload.Room);
            await lockBoth.ExecuteNonQueryAsync(cancellationToken);
        }

        long byUser, inRoom;
        await using (var used = new NpgsqlCommand("""
            SELECT (SELECT coalesce(sum(size), 0) FROM attachments WHERE uploader = $1)::bigint,
                   (SELECT coalesce(sum(size), 0) FROM attachments WHERE room = $2)::bigint
            """, connection, transaction))
        {
            used.Parameters.AddWithValue(upload.Uploader);
            used.Parameters.AddWithValue(upload.Room);
            await using var reader = await used.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            (byUser, inRoom) = (reader.GetInt64(0), reader.GetInt64(1));
        }
        var size = upload.Content.Length;
        if (byUser + size > userQuotaBytes)
        {
            return UploadOutcome.UserQuotaExceeded;
        }
        if (inRoom + size > roomQuotaBytes)
        {
            return UploadOutcome.RoomQuotaExceeded;
        }

        await using (var insert = new NpgsqlCommand("""
            INSERT INTO attachments (id, room, uploader, name, content_type, size, thumbnail, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue(upload.Id);
            insert.Parameters.AddWithValue(upload.Room);
            insert.Parameters.AddWithValue(upload.Uploader);
            insert.Parameters.AddWithValue(upload.Name);
            insert.Parameters.AddWithValue(upload.ContentType);
            insert.Parameters.AddWithValue((long)size);
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)upload.Thumbnail ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bytea });
            insert.Parameters.AddWithValue(upload.CreatedAt);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        if (storeBytes)
        {
            await WriteChunks(connection, upload, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return UploadOutcome.Stored;
    }

    private static async Task WriteChunks(NpgsqlConnection connection, NewUpload upload, CancellationToken cancellationToken)
    {
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY attachment_chunks (attachment, n, bytes) FROM STDIN (FORMAT BINARY)", cancellationToken);
        for (int offset = 0, n = 0; offset < upload.Content.Length; offset += ChunkBytes, n++)
        {
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(upload.Id, NpgsqlDbType.Uuid, cancellationToken);
            await copy.WriteAsync(n, NpgsqlDbType.Integer, cancellationToken);
            var chunk = upload.Content.Slice(offset, Math.Min(ChunkBytes, upload.Content.Length - offset));
            await copy.WriteAsync(chunk, NpgsqlDbType.Bytea, cancellationToken);
        }
        await copy.CompleteAsync(cancellationToken);
    }

    public async Task<StoredFile?> Find(Guid id, CancellationToken cancellationToken)
    {
        await using var cmd = db.CreateCommand("""
            SELECT room, uploader, name, content_type, size, thumbnail IS NOT NULL, message_seq
            FROM attachments WHERE id = $1
            """);
        cmd.Parameters.AddWithValue(id);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredFile(id, reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetInt64(4), reader.GetBoolean(5), reader.IsDBNull(6) ? null : reader.GetInt64(6))
            : null;
    }

    public async Task<bool> Read(Guid id, bool thumbnail, Func<long, Stream, Task> write, CancellationToken cancellationToken) =>
        (!thumbnail && await ReadChunks(id, write, cancellationToken))
        || await ReadColumn(id, thumbnail ? "thumbnail" : "content", write, cancellationToken);

    /// <summary>
    /// The file's chunks in order, as one stream. One statement reads the size with them, so a message
    /// deleted meanwhile either took every chunk or none from what this read sees.
    /// </summary>
    private async Task<bool> ReadChunks(Guid id, Func<long, Stream, Task> write, CancellationToken cancellationToken)
    {
        await using var cmd = db.CreateCommand("""
            SELECT a.size, c.bytes FROM attachments a JOIN attachment_chunks c ON c.attachment = a.id
            WHERE a.id = $1 ORDER BY c.n
            """);
        cmd.Parameters.AddWithValue(id);
        await using var reader = await cmd.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return false;
        }
        var length = reader.GetInt64(0);
        await using var bytes = new ChunkStream(reader, column: 1);
        await write(length, bytes);
        return true;
    }

    /// <summary>Bytes kept in a column of the file's row: its thumbnail, or the whole file if stored before sql/0023.</summary>
    private async Task<bool> ReadColumn(Guid id, string column, Func<long, Stream, Task> write, CancellationToken cancellationToken)
    {
        await using var cmd = db.CreateCommand($"SELECT length({column}), {column} FROM attachments WHERE id = $1 AND {column} IS NOT NULL");
        cmd.Parameters.AddWithValue(id);
        await using var reader = await cmd.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return false;
        }
        var length = reader.GetInt32(0);
        await using var bytes = await reader.GetStreamAsync(1, cancellationToken);
        await write(length, bytes);
        return true;
    }

    public async Task<long> BytesOf(string uploader, CancellationToken cancellationToken)
    {
        await using var cmd = db.CreateCommand("SELECT coalesce(sum(size), 0)::bigint FROM attachments WHERE uploader = $1");
        cmd.Parameters.AddWithValue(uploader);
        return (long)(await cmd.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<int> DeleteUnsent(DateTime uploadedBefore, CancellationToken cancellationToken)
    {
        // The room grain attaches an upload only while its message_seq is null: a row attached first
        // is kept. A message sent in the very moment its upload expires may name a file that is gone
        // (404 to whoever asks), never keep one that nobody sent.
        await using var cmd = db.CreateCommand("DELETE FROM attachments WHERE message_seq IS NULL AND created_at < $1");
        cmd.Parameters.AddWithValue(uploadedBefore);
        return await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}
