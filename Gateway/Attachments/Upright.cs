using SkiaSharp;

namespace ChatApp.Gateway.Attachments;

/// <summary>
/// Turns decoded pixels the way their file's EXIF Orientation says. A phone held upright stores its
/// sensor's rows sideways and writes Orientation 6 (or 8, 3, …) beside them; browsers apply it when
/// they show the original, so a picture made from the pixels must apply it too or it lies on its side.
/// SkiaSharp reads the tag (<see cref="SKCodec.EncodedOrigin"/>, from JPEG's EXIF and PNG's and
/// WebP's) but decodes the rows as stored.
/// </summary>
public static class Upright
{
    /// <summary>
    /// The bitmap as it is meant to be seen: <paramref name="stored"/> itself when nothing is to be
    /// turned, else a new bitmap, with width and height swapped for the origins that turn by a
    /// quarter. The caller disposes both (SkiaSharp objects take a second Dispose as a no-op).
    /// </summary>
    public static SKBitmap Turn(SKBitmap stored, SKEncodedOrigin origin)
    {
        if (origin == SKEncodedOrigin.TopLeft || !Enum.IsDefined(origin))
        {
            return stored;
        }
        var (w, h) = (stored.Width, stored.Height);
        var quarterTurn = origin >= SKEncodedOrigin.LeftTop;
        var upright = new SKBitmap(new SKImageInfo(quarterTurn ? h : w, quarterTurn ? w : h, stored.ColorType, stored.AlphaType));
        using var canvas = new SKCanvas(upright);
        canvas.SetMatrix(ToUpright(origin, w, h));
        canvas.DrawBitmap(stored, 0, 0);
        canvas.Flush();
        return upright;
    }

    /// <summary>
    /// The matrix that carries the stored rectangle [0, 0, w, h] onto the upright one with its corner
    /// still at [0, 0]: the meanings of the EXIF values (2 mirrors left to right, 6 is a quarter turn
    /// clockwise, …), as Skia's own SkEncodedOriginToMatrix has them.
    /// </summary>
    private static SKMatrix ToUpright(SKEncodedOrigin origin, int w, int h) => origin switch
    {
        SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
        SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
        SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
        SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1),
        SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),
        _ => SKMatrix.Identity,
    };
}
