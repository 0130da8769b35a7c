namespace ChatApp.Gateway.Attachments;

/// <summary>
/// Where uploaded files live: PostgreSQL by default (<see cref="PostgresAttachmentStore"/>, what
/// ./run.sh uses); a folder or an object store could stand behind the same calls. The store keeps
/// bytes and who they belong to; who may read them is decided by <see cref="AttachmentsApi"/>
/// with the room grain, and a file's tie to its message is written by the room grain itself.
/// </summary>
public interface IAttachmentStore
{
    /// <summary>
    /// Stores the upload unless it would take its uploader past <paramref name="userQuotaBytes"/> or
    /// its room past <paramref name="roomQuotaBytes"/> (files attached or not both count).
    /// </summary>
    Task<UploadOutcome> Add(NewUpload upload, long userQuotaBytes, long roomQuotaBytes, CancellationToken cancellationToken);

    /// <summary>The file's record, or null when there is none (never uploaded, or its message was deleted).</summary>
    Task<StoredFile?> Find(Guid id, CancellationToken cancellationToken);

    /// <summary>
    /// Hands the file's bytes (or its thumbnail's) to <paramref name="write"/> with their length, as
    /// a stream read from the store; false, and no call, when they are gone.
    /// </summary>
    Task<bool> Read(Guid id, bool thumbnail, Func<long, Stream, Task> write, CancellationToken cancellationToken);

    /// <summary>The bytes the user's uploads hold now.</summary>
    Task<long> BytesOf(string uploader, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the uploads that no message carried by <paramref name="uploadedBefore"/>, and returns
    /// how many. One a message takes meanwhile is kept: the two cannot both happen to one row.
    /// </summary>
    Task<int> DeleteUnsent(DateTime uploadedBefore, CancellationToken cancellationToken);
}

/// <summary>An upload ready to store: its bytes, what they were found to be, and its thumbnail if an image.</summary>
public sealed record NewUpload(
    Guid Id, string Room, string Uploader, string Name, string ContentType, ReadOnlyMemory<byte> Content, byte[]? Thumbnail, DateTime CreatedAt);

/// <summary>A stored file as its record says: the bytes are read separately (<see cref="IAttachmentStore.Read"/>).</summary>
/// <param name="MessageSeq">The message carrying it; null while it is an upload no message carries yet.</param>
public sealed record StoredFile(
    Guid Id, string Room, string Uploader, string Name, string ContentType, long Size, bool HasThumbnail, long? MessageSeq);

public enum UploadOutcome
{
    Stored,
    UserQuotaExceeded,
    RoomQuotaExceeded,
}
