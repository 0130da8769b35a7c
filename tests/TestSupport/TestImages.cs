using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace ChatApp.Tests.Support;

/// <summary>
/// PNG files written byte by byte (the format is small: a signature, then chunks of length, type,
/// data and CRC-32), so that tests can make real images, and images that lie, without an image library.
/// </summary>
public static class TestImages
{
    public static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>A real RGB image of the given size: a colour gradient.</summary>
    public static byte[] Png(int width, int height) => Write(width, height, Gradient(width, height));

    private static byte[] Gradient(int width, int height)
    {
        var raw = new byte[height * (1 + width * 3)];
        for (var y = 0; y < height; y++)
        {
            var row = y * (1 + width * 3);
            for (var x = 0; x < width; x++)
            {
                raw[row + 1 + x * 3] = (byte)(x * 255 / Math.Max(1, width - 1));
                raw[row + 2 + x * 3] = (byte)(y * 255 / Math.Max(1, height - 1));
                raw[row + 3 + x * 3] = 128;
            }
        }
        return raw;
    }

    /// <summary>
    /// A decompression bomb: a file of a few dozen bytes whose header declares
    /// <paramref name="width"/> × <paramref name="height"/> pixels.
    /// </summary>
    public static byte[] PngDeclaring(int width, int height) => Write(width, height, new byte[1 + 3]);

    /// <summary>
    /// A real image that carries more than pixels: an ancillary chunk (e.g. <c>eXIf</c>, where cameras
    /// write their GPS position) before the pixels, and bytes after the image's end (a polyglot's payload).
    /// </summary>
    public static byte[] PngCarrying(int width, int height, string chunkType, byte[] chunkData, byte[] trailer) =>
        [.. Write(width, height, Gradient(width, height), (chunkType, chunkData)), .. trailer];

    /// <summary>The width and height a PNG's header declares.</summary>
    public static (int Width, int Height) SizeOf(byte[] png) =>
        (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));

    private static byte[] Write(int width, int height, byte[] raw, params (string Type, byte[] Data)[] ancillary)
    {
        using var file = new MemoryStream();
        file.Write(Signature);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bits per sample
        header[9] = 2; // RGB
        WriteChunk(file, "IHDR", header);
        foreach (var (type, data) in ancillary)
        {
            WriteChunk(file, type, data);
        }
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                zlib.Write(raw);
            }
            WriteChunk(file, "IDAT", compressed.ToArray());
        }
        WriteChunk(file, "IEND", []);
        return file.ToArray();
    }

    private static void WriteChunk(Stream file, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        file.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        file.Write(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        file.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }
        return ~crc;
    }
}
