using ChatApp.Errors;
using ChatApp.Gateway.Accounts;
using ChatApp.Gateway.Cluster;
using ChatApp.Gateway.Contract;
using ChatApp.Gateway.Http;
using ChatApp.Gateway.Limits;
using ChatApp.Rooms;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ChatApp.Gateway.Attachments;

/// <summary>
/// Uploading files to a room (<c>POST /api/rooms/{id}/attachments?name=…</c>, the file as the body)
/// and fetching them (<c>GET /api/attachments/{id}</c> and <c>…/thumbnail</c>). Only members of the
/// room upload or fetch; an upload no message carries yet is the uploader's alone. Every refusal to
/// fetch is the same 404, so that nobody learns whether a file exists that they may not see.
/// </summary>
public static class AttachmentsApi
{
    /// <summary>What a file response may do in a browser: nothing. It is no page, whatever it holds.</summary>
    public const string FileContentSecurityPolicy = "sandbox; default-src 'none'";

    public static IEndpointRouteBuilder MapAttachments(this IEndpointRouteBuilder routes)
    {
        var maxBytes = routes.ServiceProvider.GetRequiredService<IOptions<AttachmentOptions>>().Value.MaxBytes;
        // The body is bounded by the file limit as it streams in (Http/BodyLimits.cs): 413 too_large.
        routes.MapPost("/api/rooms/{id}/attachments", Upload).RequireAuthorization().WithBodyLimit(maxBytes);
        var files = routes.MapGroup("/api/attachments/{id:guid}").RequireAuthorization();
        files.MapGet("/", (Guid id, HttpContext http, IAttachmentStore store, IClusterClient cluster) =>
            Serve(id, thumbnail: false, http, store, cluster));
        files.MapGet("/thumbnail", (Guid id, HttpContext http, IAttachmentStore store, IClusterClient cluster) =>
            Serve(id, thumbnail: true, http, store, cluster));
        return routes;
    }

    private static async Task<IResult> Upload(
        string id, string? name, HttpContext http, IClusterClient cluster, IAttachmentStore store,
        IOptions<AttachmentOptions> options, AbuseLimits limits, TimeProvider time)
    {
        var user = http.User().Name;
        limits.TakeMessage(user);
        var room = RouteKeys.Room(id);
        if (!await cluster.Room(room).IsMember(user))
        {
            throw new ChatException(ErrorCodes.NotFound, "No such room.");
        }

        var settings = options.Value;
        using var body = await UploadBody.ReadAsync(http.Request, settings.MaxBytes, http.RequestAborted);
        var content = body.Bytes;
        if (content.Length == 0)
        {
            throw new ChatException(ErrorCodes.Validation, "The file is empty.");
        }

        var contentType = ContentSniffer.Sniff(content.Span);
        byte[]? thumbnail = null;
        if (ContentSniffer.IsRasterImage(contentType))
        {
            var image = Thumbnails.Read(content.Span, settings.ThumbnailSize, settings.MaxImagePixels);
            // Bytes that start like an image but do not decode as one are only ever downloaded.
            contentType = image.Decodes ? contentType : ContentSniffer.Binary;
            thumbnail = image.Thumbnail;
        }

        // The contract names the file in X-File-Name (URL-encoded); ?name= is the same, for scripts.
        var given = http.Request.Headers["X-File-Name"].FirstOrDefault() is { } header ? Unescape(header) : name;
        var upload = new NewUpload(Guid.NewGuid(), room, user, FileNames.Sanitize(given), contentType, content, thumbnail,
            time.GetUtcNow().UtcDateTime);
        var outcome = await store.Add(upload, settings.UserQuotaBytes, settings.RoomQuotaBytes, http.RequestAborted);
        return outcome switch
        {
            UploadOutcome.UserQuotaExceeded => ChatProblems.Problem(ErrorCodes.QuotaExceeded,
                $"Your files may hold at most {settings.UserQuotaBytes:N0} bytes; delete messages with files to make room."),
            UploadOutcome.RoomQuotaExceeded => ChatProblems.Problem(ErrorCodes.QuotaExceeded,
                $"This room's files may hold at most {settings.RoomQuotaBytes:N0} bytes."),
            _ => TypedResults.Created($"/api/attachments/{upload.Id}",
                new AttachmentInfo(upload.Id, upload.Name, content.Length, contentType, thumbnail is not null)),
        };
    }

    private static async Task<IResult> Serve(Guid id, bool thumbnail, HttpContext http, IAttachmentStore store, IClusterClient cluster)
    {
        var user = http.User().Name;
        var file = await store.Find(id, http.RequestAborted);
        var visible = file is not null
            && (file.MessageSeq is not null || file.Uploader == user)
            && (!thumbnail || file.HasThumbnail)
            && await cluster.Room(RoomId.Parse(file.Room)).IsMember(user);
        if (!visible)
        {
            return NoSuchFile();
        }

        var response = http.Response;
        var served = await store.Read(id, thumbnail, async (length, bytes) =>
        {
            var contentType = thumbnail ? ContentSniffer.Png : file!.ContentType;
            response.ContentType = contentType == ContentSniffer.Text ? "text/plain; charset=utf-8" : contentType;
            response.ContentLength = length;
            response.Headers.XContentTypeOptions = "nosniff";
            response.Headers.ContentSecurityPolicy = FileContentSecurityPolicy;
            response.Headers.ContentDisposition = Disposition(file!, contentType);
            // Kept by the member's own browser only, and not for long: deleting the message ends access.
            response.Headers.CacheControl = "private, max-age=300";
            await bytes.CopyToAsync(response.Body, http.RequestAborted);
        }, http.RequestAborted);
        // Gone between the lookup and the read: its message was deleted meanwhile.
        return served ? TypedResults.Empty : NoSuchFile();
    }

    /// <summary>Inline only for the raster images; everything else, SVG and HTML included, is a download under its sanitized name.</summary>
    private static string Disposition(StoredFile file, string contentType)
    {
        var disposition = new ContentDispositionHeaderValue(ContentSniffer.IsRasterImage(contentType) ? "inline" : "attachment");
        disposition.SetHttpFileName(file.Name);
        return disposition.ToString();
    }

    private static string Unescape(string header)
    {
        try
        {
            return Uri.UnescapeDataString(header);
        }
        catch (UriFormatException)
        {
            return header;
        }
    }

    private static IResult NoSuchFile() => ChatProblems.Problem(ErrorCodes.NotFound, "No such attachment.");
}
