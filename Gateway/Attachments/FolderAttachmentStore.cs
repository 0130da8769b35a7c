using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatApp.Gateway.Attachments;

/// <summary>
/// Uploads' bytes as files in a folder (<see cref="AttachmentOptions.Folder"/>), their records as
/// rows of <c>attachments</c> with no bytes (<see cref="PostgresAttachmentStore"/> writes and reads
/// those): quotas, who may fetch, the tie to a message and its deletion work exactly as with the
/// bytes in the row. Chosen with <c>Attachments:Store = Folder</c> (docs/deploy.md).
/// <para>
/// A file is written and synced to the disk before its row is committed, so a row never names
/// bytes that a crash could lose; a crash in between leaves a file no row names, which the sweep
/// removes. The room grain deletes a deleted message's rows (and so all access to its files at
/// once) without knowing about files: their bytes, too, go with the sweep (<see cref="DeleteUnsent"/>).
/// </para>
/// </summary>
public sealed class FolderAttachmentStore : IAttachmentStore, IDisposable
{
    /// <summary>
    /// How old a file with no row must be before the sweep deletes it: an upload's file is written
    /// before its row, and must not be taken for debris in between.
    /// </summary>
    public static readonly TimeSpan OrphanAge = TimeSpan.FromMinutes(10);

    private readonly PostgresAttachmentStore _records;
    private readonly NpgsqlDataSource _db;
    private readonly TimeProvider _time;
    private readonly string _root;
    private readonly DiskWriters _writers = new();

    public FolderAttachmentStore(PostgresAttachmentStore records, NpgsqlDataSource db, IOptions<AttachmentOptions> options, TimeProvider time)
    {
        (_records, _db, _time) = (records, db, time);
        _root = Path.GetFullPath(options.Value.Folder!);
        // 256 folders named for an id's first two hex digits keep each one small, whatever the count of files.
        var made = false;
        foreach (var shard in Enumerable.Range(0, 256).Select(i => Path.Combine(_root, i.ToString("x2"))))
        {
            made |= !Directory.Exists(shard);
            Directory.CreateDirectory(shard);
        }
        if (made)
        {
            DurableFiles.SyncFolder(_root);
        }
    }

    /// <summary>Where the bytes of upload <paramref name="id"/> live.</summary>
    public string PathOf(Guid id)
    {
        var name = id.ToString("N");
        return Path.Combine(_root, name[..2], name);
    }

    public async Task<UploadOutcome> Add(NewUpload upload, long userQuotaBytes, long roomQuotaBytes, CancellationToken cancellationToken)
    {
        var path = PathOf(upload.Id);
        await _writers.WriteNewAsync(path, upload.Content, cancellationToken);
        var stored = false;
        try
        {
            var outcome = await _records.Record(upload, storeBytes: false, userQuotaBytes, roomQuotaBytes, cancellationToken);
            stored = outcome == UploadOutcome.Stored;
            return outcome;
        }
        finally
        {
            // Refused by a quota, or the row never written: the file is nobody's.
            if (!stored)
            {
                File.Delete(path);
            }
        }
    }

    public void Dispose() => _writers.Dispose();

    public Task<StoredFile?> Find(Guid id, CancellationToken cancellationToken) => _records.Find(id, cancellationToken);

    public async Task<bool> Read(Guid id, bool thumbnail, Func<long, Stream, Task> write, CancellationToken cancellationToken)
    {
        // Thumbnails are small and stay in the row, and the bytes of files stored before the folder
        // was chosen stay in the database.
        if (thumbnail || await BytesInDatabase(id, cancellationToken) is not false)
        {
            return await _records.Read(id, thumbnail, write, cancellationToken);
        }
        FileStream file;
        try
        {
            // Opened after the row was seen: a message deleted from here on cannot take the bytes
            // from under a read already begun (an open file outlives its name).
            file = new FileStream(PathOf(id), new FileStreamOptions
            {
                Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.Read | FileShare.Delete,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan, BufferSize = 0,
            });
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        await using (file)
        {
            await write(file.Length, file);
        }
        return true;
    }

    /// <summary>
    /// Whether the database holds the bytes (in the row, or as its chunks); null when there is no row
    /// (never uploaded, or deleted).
    /// </summary>
    private async Task<bool?> BytesInDatabase(Guid id, CancellationToken cancellationToken)
    {
        await using var cmd = _db.CreateCommand("""
            SELECT content IS NOT NULL OR EXISTS (SELECT 1 FROM attachment_chunks WHERE attachment = $1)
            FROM attachments WHERE id = $1
            """);
        cmd.Parameters.AddWithValue(id);
        return await cmd.ExecuteScalarAsync(cancellationToken) as bool?;
    }

    public Task<long> BytesOf(string uploader, CancellationToken cancellationToken) => _records.BytesOf(uploader, cancellationToken);

    /// <summary>
    /// Deletes the expired unsent uploads' rows, then every file no row names that is older than
    /// <see cref="OrphanAge"/>: those uploads' bytes, deleted messages' files, and a crash's leftovers.
    /// </summary>
    public async Task<int> DeleteUnsent(DateTime uploadedBefore, CancellationToken cancellationToken)
    {
        var deleted = await _records.DeleteUnsent(uploadedBefore, cancellationToken);
        await DeleteOrphans(cancellationToken);
        return deleted;
    }

    private async Task DeleteOrphans(CancellationToken cancellationToken)
    {
        var olderThan = (_time.GetUtcNow() - OrphanAge).UtcDateTime;
        foreach (var shard in Directory.EnumerateDirectories(_root))
        {
            var candidates = new Dictionary<Guid, string>();
            foreach (var file in new DirectoryInfo(shard).EnumerateFiles())
            {
                if (Guid.TryParseExact(file.Name, "N", out var id) && file.LastWriteTimeUtc < olderThan)
                {
                    candidates[id] = file.FullName;
                }
            }
            if (candidates.Count == 0)
            {
                continue;
            }
            await using var cmd = _db.CreateCommand("SELECT id FROM attachments WHERE id = ANY($1)");
            cmd.Parameters.AddWithValue(candidates.Keys.ToArray());
            await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    candidates.Remove(reader.GetGuid(0));
                }
            }
            foreach (var path in candidates.Values)
            {
                File.Delete(path);
            }
        }
    }
}
