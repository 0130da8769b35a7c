using ChatApp.Errors;
using ChatApp.Gateway.Attachments;
using SkiaSharp;

namespace ChatApp.Gateway.Profiles;

/// <summary>
/// Makes the picture kept as an avatar from what a user uploaded: the middle square of the image,
/// scaled down to the avatar size and written anew as a PNG with SkiaSharp. Only decoded pixels
/// reach the new file, so whatever else the upload held (EXIF with a camera's GPS position, text
/// chunks, bytes after the image's end that another program would read as HTML or a script) is gone.
/// The pixels are first turned upright as the EXIF Orientation says (<see cref="Upright"/>).
/// As for attachments' thumbnails (<see cref="Thumbnails"/>), the header's declared size is
/// checked before any pixel is decoded.
/// </summary>
public static class AvatarImages
{
    /// <summary>The avatar to keep, or null when the bytes are no raster image that decodes whole.</summary>
    public static byte[]? Square(byte[] upload, int size, long maxPixels)
    {
        // Decided by the bytes, as attachments are: SVG, HTML and anything else a browser might run never get here.
        if (!ContentSniffer.IsRasterImage(ContentSniffer.Sniff(upload)))
        {
            return null;
        }
        using var data = SKData.CreateCopy(upload);
        using var codec = SKCodec.Create(data);
        if (codec is null || codec.Info.Width <= 0 || codec.Info.Height <= 0)
        {
            return null;
        }
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if ((long)width * height > maxPixels)
        {
            throw new ChatException(ErrorCodes.Validation,
                $"The image declares {width} × {height} pixels; at most {maxPixels:N0} pixels are accepted.");
        }

        var side = Math.Min(width, height);
        var target = Math.Min(size, side);
        // JPEG can decode at a fraction of its size; other codecs answer their full size.
        var decodeSize = codec.GetScaledDimensions((float)target / side);
        var decodeInfo = new SKImageInfo(decodeSize.Width, decodeSize.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var decoded = new SKBitmap(decodeInfo);
        // A cut-off file, or one whose header hides something else, is no picture.
        if (codec.GetPixels(decodeInfo, decoded.GetPixels()) != SKCodecResult.Success)
        {
            return null;
        }

        // Upright before the middle is chosen: a portrait photo stored on its side has its middle square elsewhere.
        using var upright = Upright.Turn(decoded, codec.EncodedOrigin);
        var decodedSide = Math.Min(upright.Width, upright.Height);
        var middle = SKRectI.Create((upright.Width - decodedSide) / 2, (upright.Height - decodedSide) / 2, decodedSide, decodedSide);
        using var square = new SKBitmap();
        if (!upright.ExtractSubset(square, middle))
        {
            return null;
        }
        using var scaled = square.Resize(new SKImageInfo(target, target, SKColorType.Rgba8888, SKAlphaType.Premul),
            new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        using var png = scaled?.Encode(SKEncodedImageFormat.Png, 100);
        return png?.ToArray();
    }
}
