using System.Text.Unicode;

namespace ChatApp.Gateway.Attachments;

/// <summary>
/// Decides a file's Content-Type from its first bytes, never from its name or what the client
/// said: a file called cat.png that holds HTML is not served as an image, and one called notes.txt
/// that holds a PNG is. Only the types the page shows are named; anything else is
/// application/octet-stream, which a browser only ever downloads.
/// </summary>
public static class ContentSniffer
{
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";
    public const string Gif = "image/gif";
    public const string WebP = "image/webp";
    public const string Pdf = "application/pdf";
    public const string Text = "text/plain";
    public const string Binary = "application/octet-stream";

    /// <summary>How much of a file is looked at to call it text: enough to judge, without reading 10 MB.</summary>
    private const int TextProbeBytes = 8192;

    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private static ReadOnlySpan<byte> JpegSignature => [0xFF, 0xD8, 0xFF];

    /// <summary>The raster image types: the only ones ever shown inline, and the only ones given a thumbnail.</summary>
    public static bool IsRasterImage(string contentType) => contentType is Png or Jpeg or Gif or WebP;

    public static string Sniff(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith(PngSignature))
        {
            return Png;
        }
        if (bytes.StartsWith(JpegSignature))
        {
            return Jpeg;
        }
        if (bytes.StartsWith("GIF87a"u8) || bytes.StartsWith("GIF89a"u8))
        {
            return Gif;
        }
        if (bytes.Length >= 12 && bytes.StartsWith("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8))
        {
            return WebP;
        }
        if (bytes.StartsWith("%PDF-"u8))
        {
            return Pdf;
        }
        return LooksLikeText(bytes) ? Text : Binary;
    }

    /// <summary>
    /// Text is valid UTF-8 with no control characters but tab, line feed, carriage return and form
    /// feed. A probe that ends inside a character is judged on the whole characters before it.
    /// Text is never shown inline (HTML is text too), so calling it text only names it.
    /// </summary>
    private static bool LooksLikeText(ReadOnlySpan<byte> bytes)
    {
        var probe = bytes[..Math.Min(bytes.Length, TextProbeBytes)];
        var cut = probe.Length < bytes.Length ? 3 : 0;
        for (var drop = 0; drop <= cut; drop++)
        {
            var whole = probe[..^drop];
            if (Utf8.IsValid(whole))
            {
                return !HasControlCharacters(whole);
            }
        }
        return false;
    }

    private static bool HasControlCharacters(ReadOnlySpan<byte> utf8)
    {
        foreach (var b in utf8)
        {
            if ((b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0C)) || b == 0x7F)
            {
                return true;
            }
        }
        return false;
    }
}
