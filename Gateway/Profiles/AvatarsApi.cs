using System.Text.Json;
using System.Text.RegularExpressions;
using ChatApp.Errors;
using ChatApp.Gateway.Accounts;
using ChatApp.Gateway.Attachments;
using ChatApp.Gateway.Contract;
using ChatApp.Gateway.Http;
using ChatApp.Gateway.Limits;
using ChatApp.Users;
using Microsoft.Extensions.Options;

namespace ChatApp.Gateway.Profiles;

/// <summary>
/// Avatars over HTTP: <c>PUT /api/me/avatar</c> (the picture as the body) sets the signed-in
/// user's own, <c>DELETE /api/me/avatar</c> removes it, and <c>GET /api/users/{name}/avatar/{version}</c>
/// serves anyone's to anyone signed in. An avatar is shown wherever its owner is (messages, member
/// lists, search results), so it is no room's file: like a display name, any signed-in user may
/// read it. Its address (the profile's <c>avatar</c>) carries the picture's version, so browsers
/// keep it for good and a new picture is a new address.
/// </summary>
public static partial class AvatarsApi
{
    /// <summary>A year: an address names one picture for ever (an old version's address answers 404).</summary>
    private const string CacheForGood = "private, max-age=31536000, immutable";

    public static IEndpointRouteBuilder MapAvatars(this IEndpointRouteBuilder routes)
    {
        var maxBytes = routes.ServiceProvider.GetRequiredService<IOptions<AvatarOptions>>().Value.MaxBytes;
        // The body is bounded as it streams in (Http/BodyLimits.cs): 413 too_large past Avatars:MaxBytes.
        routes.MapPut("/api/me/avatar", Set).RequireAuthorization().WithBodyLimit(maxBytes);
        routes.MapDelete("/api/me/avatar", Remove).RequireAuthorization();
        routes.MapGet("/api/users/{name}/avatar/{version}", Serve).RequireAuthorization();
        return routes;
    }

    private static async Task<IResult> Set(
        HttpContext http, UserAvatars avatars, ProfileAnnouncer announcer, IOptions<AvatarOptions> options, AbuseLimits limits)
    {
        var user = http.User();
        // Decoding a picture costs far more than a message: the same bucket keeps a loop of uploads slow.
        limits.TakeMessage(user.Name);
        var settings = options.Value;
        var upload = await ReadBody(http.Request, settings.MaxBytes, http.RequestAborted);
        if (AvatarImages.Square(upload, settings.Size, settings.MaxImagePixels) is not { } image)
        {
            return NotAnImage();
        }
        await avatars.Set(user.Name, image, http.RequestAborted);
        return TypedResults.Ok(ChangedProfileOf(user, await announcer.Announce(user.Name)));
    }

    private static async Task<IResult> Remove(HttpContext http, UserAvatars avatars, ProfileAnnouncer announcer, AbuseLimits limits)
    {
        var user = http.User();
        // Each change is told to every room of the user: a loop of changes is slowed like messages.
        limits.TakeMessage(user.Name);
        await avatars.Remove(user.Name, http.RequestAborted);
        return TypedResults.Ok(ChangedProfileOf(user, await announcer.Announce(user.Name)));
    }

    private static async Task<IResult> Serve(string name, string version, HttpContext http, UserAvatars avatars)
    {
        if (!Version().IsMatch(version) || await avatars.Read(RouteKeys.User(name), version, http.RequestAborted) is not { } image)
        {
            return ChatProblems.Problem(ErrorCodes.NotFound, "No such avatar.");
        }
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = AttachmentsApi.FileContentSecurityPolicy;
        headers.CacheControl = CacheForGood;
        return TypedResults.Bytes(image, ContentSniffer.Png);
    }

    /// <summary>
    /// <c>PATCH /api/me</c>'s <c>avatar</c> (the contract's way): null removes the avatar, and an
    /// attachment id makes a picture of that file, which must be the user's own upload. Returns the
    /// refusal to answer with, or null when the avatar was changed. The caller has counted the change
    /// against the user's rate.
    /// </summary>
    public static async Task<IResult?> ChangeFromProfile(
        UserName user, JsonElement avatar, HttpContext http, UserAvatars avatars, IAttachmentStore files, AvatarOptions settings)
    {
        if (avatar.ValueKind == JsonValueKind.Null)
        {
            await avatars.Remove(user, http.RequestAborted);
            return null;
        }
        if (avatar.ValueKind != JsonValueKind.String || !Guid.TryParse(avatar.GetString(), out var id))
        {
            return ChatProblems.Problem(ErrorCodes.Validation, "avatar must be the id of an attachment you uploaded, or null.");
        }
        // Someone else's file, even one the user may see in a room, is refused as if it did not exist.
        if (await files.Find(id, http.RequestAborted) is not { } file || file.Uploader != user.Value)
        {
            return ChatProblems.Problem(ErrorCodes.NotFound, "No such attachment.");
        }
        if (file.Size > settings.MaxBytes)
        {
            return ChatProblems.Problem(ErrorCodes.TooLarge, $"An avatar is at most {settings.MaxBytes:N0} bytes.");
        }
        byte[]? upload = null;
        await files.Read(id, thumbnail: false, async (_, bytes) =>
        {
            using var copy = new MemoryStream();
            await bytes.CopyToAsync(copy, http.RequestAborted);
            upload = copy.ToArray();
        }, http.RequestAborted);
        if (upload is null)
        {
            return ChatProblems.Problem(ErrorCodes.NotFound, "No such attachment.");
        }
        if (AvatarImages.Square(upload, settings.Size, settings.MaxImagePixels) is not { } image)
        {
            return NotAnImage();
        }
        await avatars.Set(user, image, http.RequestAborted);
        return null;
    }

    /// <summary>The answer to a change: the user as <c>PATCH /api/me</c> answers, with the new avatar's address.</summary>
    private static MeApi.ChangedProfile ChangedProfileOf(UserView user, ProfileView? profile) =>
        new(user with { DisplayName = profile?.DisplayName, Avatar = profile?.Avatar });

    /// <summary>
    /// The whole body, read as it arrives: Kestrel fails the read once it passes the endpoint's bound,
    /// so at most that much is ever held.
    /// </summary>
    private static async Task<byte[]> ReadBody(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        var expected = request.ContentLength is { } length ? (int)Math.Min(length, maxBytes) : 64 * 1024;
        using var buffer = new MemoryStream(expected);
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    /// <summary>415, with the contract's code for refused input: what was sent is no picture this server shows.</summary>
    private static IResult NotAnImage() => TypedResults.Problem(
        statusCode: StatusCodes.Status415UnsupportedMediaType,
        detail: "An avatar must be a PNG, JPEG, GIF or WebP image.",
        extensions: new Dictionary<string, object?> { ["code"] = ErrorCodes.Validation });

    [GeneratedRegex("^[0-9a-f]{16}$")]
    private static partial Regex Version();
}
