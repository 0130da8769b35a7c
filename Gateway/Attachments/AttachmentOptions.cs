using System.ComponentModel.DataAnnotations;

namespace ChatApp.Gateway.Attachments;

/// <summary>
/// Uploads' bounds, bound from the "Attachments" section; docs/security.md lists them with their
/// defaults and what a client is told.
/// </summary>
public sealed class AttachmentOptions : IValidatableObject
{
    public const string Section = "Attachments";

    /// <summary>
    /// Where the bytes live: <see cref="AttachmentStoreKind.Postgres"/> (the default, what ./run.sh
    /// uses: one thing to back up) or <see cref="AttachmentStoreKind.Folder"/> (files under
    /// <see cref="Folder"/>, the records still in PostgreSQL), which keeps a stream of uploads out
    /// of the database's write-ahead log that every chat message waits on (bench/README.md, "Uploads").
    /// </summary>
    public AttachmentStoreKind Store { get; set; } = AttachmentStoreKind.Postgres;

    /// <summary>The folder of the folder store: every gateway must see the same one (docs/deploy.md).</summary>
    public string? Folder { get; set; }

    /// <summary>
    /// How many uploads one gateway writes into PostgreSQL at once with the default store; the others
    /// wait their turn, in order. Ten connections writing 1 MB rows side by side took PostgreSQL 3.2
    /// times the CPU and 2.4 times as long as one writing the same bytes, and every chat message's
    /// commit waited among them. Two keep the bench's upload rate and cut other rooms' message p99
    /// during uploads about fourfold (bench/README.md, "Uploads take turns").
    /// </summary>
    [Range(1, 64)]
    public int PostgresWriters { get; set; } = 2;

    /// <summary>The largest file accepted, in bytes: a bigger body is refused (413 too_large) as it streams in.</summary>
    [Range(typeof(long), "1", "1073741824")]
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>All the bytes one user's uploads may hold at once, attached or not (quota_exceeded past it).</summary>
    [Range(typeof(long), "1", "9223372036854775807")]
    public long UserQuotaBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>All the bytes the uploads to one room may hold at once.</summary>
    [Range(typeof(long), "1", "9223372036854775807")]
    public long RoomQuotaBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>
    /// The most pixels an image may declare in its header: past it the image is refused before a
    /// pixel is decoded (a small file can declare a picture that would need gigabytes to decode).
    /// </summary>
    [Range(typeof(long), "1", "9223372036854775807")]
    public long MaxImagePixels { get; set; } = 40_000_000;

    /// <summary>
    /// How long an upload that no message carries is kept: an upload whose message was never sent
    /// (a closed tab, a client that gave up) would otherwise hold its uploader's quota for good.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan UnsentLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The longer side of a thumbnail, in pixels.</summary>
    [Range(16, 1024)]
    public int ThumbnailSize { get; set; } = 320;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Store == AttachmentStoreKind.Folder && string.IsNullOrWhiteSpace(Folder))
        {
            yield return new ValidationResult("Attachments:Store is Folder, so Attachments:Folder must name the folder.", [nameof(Folder)]);
        }
    }
}

/// <summary>The stores an upload's bytes can live in (<see cref="AttachmentOptions.Store"/>).</summary>
public enum AttachmentStoreKind
{
    Postgres,
    Folder,
}
