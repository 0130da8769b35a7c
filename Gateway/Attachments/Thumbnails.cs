using ChatApp.Errors;
using SkiaSharp;

namespace ChatApp.Gateway.Attachments;

/// <summary>What decoding an upload that claims to be an image found.</summary>
/// <param name="Decodes">Whether it is the image its first bytes say; one that is not is served as a plain download.</param>
/// <param name="Thumbnail">A PNG no larger than the thumbnail size on its longer side, when it decodes.</param>
public sealed record ImageReading(bool Decodes, byte[]? Thumbnail)
{
    public static readonly ImageReading NotAnImage = new(false, null);
}

/// <summary>
/// Thumbnails of uploaded images, made with SkiaSharp. The image's header is read first, and an
/// image that declares more pixels than <see cref="AttachmentOptions.MaxImagePixels"/> is refused
/// before any pixel is decoded: a few kilobytes of PNG can declare 100,000 × 100,000 pixels, which
/// would need 40 GB to decode. Where the codec can decode at a smaller scale (JPEG), it does. The
/// thumbnail is turned upright as the image's EXIF Orientation says (<see cref="Upright"/>), the
/// way a browser shows the original, and as a new PNG it carries none of the original's metadata.
/// </summary>
public static class Thumbnails
{
    public static ImageReading Read(ReadOnlySpan<byte> bytes, int thumbnailSize, long maxPixels)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            return ImageReading.NotAnImage;
        }
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0)
        {
            return ImageReading.NotAnImage;
        }
        if ((long)width * height > maxPixels)
        {
            throw new ChatException(ErrorCodes.Validation,
                $"The image declares {width} × {height} pixels; at most {maxPixels:N0} pixels are accepted.");
        }

        var scale = Math.Min(1f, (float)thumbnailSize / Math.Max(width, height));
        var decodeSize = codec.GetScaledDimensions(scale);
        var decodeInfo = new SKImageInfo(decodeSize.Width, decodeSize.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var decoded = new SKBitmap(decodeInfo);
        // Anything short of a whole image (a cut-off file, a polyglot behind a valid header) is no image to show.
        if (codec.GetPixels(decodeInfo, decoded.GetPixels()) != SKCodecResult.Success)
        {
            return ImageReading.NotAnImage;
        }

        var thumbnailInfo = new SKImageInfo(
            Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)),
            SKColorType.Rgba8888, SKAlphaType.Premul);
        using var thumbnail = decoded.Resize(thumbnailInfo, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        if (thumbnail is null)
        {
            return ImageReading.NotAnImage;
        }
        // Turned last, when it costs least: a phone's portrait photo is stored on its side.
        using var upright = Upright.Turn(thumbnail, codec.EncodedOrigin);
        using var png = upright.Encode(SKEncodedImageFormat.Png, 100);
        return new ImageReading(true, png?.ToArray());
    }
}
