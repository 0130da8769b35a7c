using System.ComponentModel.DataAnnotations;

namespace ChatApp.Gateway.Profiles;

/// <summary>
/// Avatars' bounds, bound from the "Avatars" section; docs/security.md lists them with their
/// defaults and what a client is told.
/// </summary>
public sealed class AvatarOptions
{
    public const string Section = "Avatars";

    /// <summary>The largest picture accepted, in bytes: a bigger body is refused (413 too_large) as it streams in.</summary>
    [Range(typeof(long), "1", "67108864")]
    public long MaxBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>
    /// The most pixels a picture may declare in its header: past it the picture is refused before a
    /// pixel is decoded (a few kilobytes of PNG can declare one that would need gigabytes).
    /// </summary>
    [Range(typeof(long), "1", "100000000")]
    public long MaxImagePixels { get; set; } = 16_000_000;

    /// <summary>The side of the square picture kept, in pixels (smaller pictures keep their own side).</summary>
    [Range(16, 256)]
    public int Size { get; set; } = 128;
}
