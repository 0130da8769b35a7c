using System.Buffers.Binary;
using System.Text;
using SkiaSharp;

namespace ChatApp.Tests.Support;

/// <summary>
/// JPEGs as a phone writes them: pixels stored one way and an EXIF Orientation tag saying how to
/// turn them. SkiaSharp encodes the pixels but writes no EXIF, so the APP1 segment is written here
/// byte by byte (a TIFF header and one directory) and put right after the file's start marker.
/// The stored picture has four coloured quarters, so that which way it was turned can be read from
/// any picture made of it.
/// </summary>
public static class ExifJpegs
{
    /// <summary>
    /// What a viewer shows in each corner for each Orientation value (1 to 8), the stored picture
    /// being red, green, blue and yellow from top left to bottom right (as 1 shows it), from the EXIF 2.3
    /// definitions ("the 0th row is the visual …, the 0th column is the visual …").
    /// </summary>
    public static (string TopLeft, string TopRight, string BottomLeft, string BottomRight) Shown(int orientation) => orientation switch
    {
        1 => ("red", "green", "blue", "yellow"),
        2 => ("green", "red", "yellow", "blue"),   // 0th row top, 0th column right: mirrored
        3 => ("yellow", "blue", "green", "red"),   // 0th row bottom, 0th column right: half a turn
        4 => ("blue", "yellow", "red", "green"),   // 0th row bottom, 0th column left: upside down
        5 => ("red", "blue", "green", "yellow"),   // 0th row left, 0th column top
        6 => ("blue", "red", "yellow", "green"),   // 0th row right, 0th column top: a phone held upright
        7 => ("yellow", "green", "blue", "red"),   // 0th row right, 0th column bottom
        8 => ("green", "yellow", "red", "blue"),   // 0th row left, 0th column bottom
        _ => throw new ArgumentOutOfRangeException(nameof(orientation)),
    };

    /// <summary>
    /// A <paramref name="width"/> × <paramref name="height"/> JPEG of four coloured quarters with
    /// EXIF saying <paramref name="orientation"/>, and an ImageDescription of <paramref name="description"/>
    /// (where a test puts words that must not survive, such as a position) when given.
    /// </summary>
    public static byte[] Quarters(int width, int height, int orientation, string? description = null)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            var (halfW, halfH) = (width / 2, height / 2);
            Fill(canvas, SKRect.Create(0, 0, halfW, halfH), SKColors.Red);
            Fill(canvas, SKRect.Create(halfW, 0, width - halfW, halfH), SKColors.Lime);
            Fill(canvas, SKRect.Create(0, halfH, halfW, height - halfH), SKColors.Blue);
            Fill(canvas, SKRect.Create(halfW, halfH, width - halfW, height - halfH), SKColors.Yellow);
        }
        using var jpeg = bitmap.Encode(SKEncodedImageFormat.Jpeg, 95);
        var pixels = jpeg.ToArray();
        // After SOI (FF D8): readers look for APP1 among the markers before the frame, wherever it is.
        return [.. pixels.AsSpan(0, 2), .. ExifSegment(orientation, description), .. pixels.AsSpan(2)];
    }

    /// <summary>The colour names in the corners of a served picture, each read a quarter of the way in from its corner.</summary>
    public static (string TopLeft, string TopRight, string BottomLeft, string BottomRight) CornersOf(byte[] image)
    {
        using var bitmap = SKBitmap.Decode(image) ?? throw new InvalidOperationException("not an image");
        var (left, right, top, bottom) = (bitmap.Width / 4, bitmap.Width * 3 / 4, bitmap.Height / 4, bitmap.Height * 3 / 4);
        return (Name(bitmap.GetPixel(left, top)), Name(bitmap.GetPixel(right, top)),
            Name(bitmap.GetPixel(left, bottom)), Name(bitmap.GetPixel(right, bottom)));
    }

    /// <summary>The Orientation a picture's metadata gives, as SkiaSharp reads it: 1 when it gives none.</summary>
    public static int OrientationOf(byte[] image)
    {
        using var codec = SKCodec.Create(new MemoryStream(image)) ?? throw new InvalidOperationException("not an image");
        return (int)codec.EncodedOrigin;
    }

    private static void Fill(SKCanvas canvas, SKRect rect, SKColor color)
    {
        using var paint = new SKPaint { Color = color };
        canvas.DrawRect(rect, paint);
    }

    private static string Name(SKColor color) => (color.Red > 128, color.Green > 128, color.Blue > 128) switch
    {
        (true, false, false) => "red",
        (false, true, false) => "green",
        (false, false, true) => "blue",
        (true, true, false) => "yellow",
        _ => $"#{color.Red:x2}{color.Green:x2}{color.Blue:x2}",
    };

    /// <summary>
    /// APP1: <c>FF E1</c>, its length, <c>Exif\0\0</c>, then a big-endian TIFF header and IFD0 holding
    /// ImageDescription (0x010E, ASCII, stored after the directory) when given, and Orientation
    /// (0x0112, one SHORT held in the entry itself). Entries go in tag order, as TIFF requires.
    /// </summary>
    private static byte[] ExifSegment(int orientation, string? description)
    {
        var text = description is null ? null : Encoding.ASCII.GetBytes(description + "\0");
        var entries = text is null ? 1 : 2;
        var directoryEnd = 8 + 2 + entries * 12 + 4;
        var tiff = new byte[directoryEnd + (text?.Length ?? 0)];
        "MM"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(4), 8); // IFD0 right after the header
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(8), (ushort)entries);
        var entry = 10;
        if (text is not null)
        {
            WriteEntry(tiff.AsSpan(entry), tag: 0x010E, type: 2, count: (uint)text.Length, value: (uint)directoryEnd);
            text.CopyTo(tiff, directoryEnd);
            entry += 12;
        }
        // A SHORT sits in the first two bytes of the value field.
        WriteEntry(tiff.AsSpan(entry), tag: 0x0112, type: 3, count: 1, value: (uint)orientation << 16);
        // The next-directory offset after the entries stays 0: there is no IFD1.

        byte[] header = [0xFF, 0xE1, 0, 0, .. "Exif\0\0"u8];
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)(header.Length - 2 + tiff.Length));
        return [.. header, .. tiff];
    }

    private static void WriteEntry(Span<byte> at, ushort tag, ushort type, uint count, uint value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(at, tag);
        BinaryPrimitives.WriteUInt16BigEndian(at[2..], type);
        BinaryPrimitives.WriteUInt32BigEndian(at[4..], count);
        BinaryPrimitives.WriteUInt32BigEndian(at[8..], value);
    }
}
