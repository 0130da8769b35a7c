using System.Text.Json;
using ChatApp.Errors;
using ChatApp.Gateway.Accounts;
using ChatApp.Gateway.Attachments;
using ChatApp.Gateway.Contract;
using ChatApp.Gateway.Limits;
using ChatApp.Gateway.Profiles;
using ChatApp.Rooms;
using ChatApp.Users;
using Microsoft.Extensions.Options;

namespace ChatApp.Gateway.Http;

/// <summary>
/// <c>/api/me</c>: the signed-in user and the rooms they belong to; <c>PATCH</c> changes the user's
/// own profile. Whose profile is always the token's user: there is no way to name another.
/// </summary>
public static class MeApi
{
    public sealed record Me(UserView User, IReadOnlyList<RoomSummary> Rooms);

    public sealed record ChangedProfile(UserView User);

    public static RouteGroupBuilder MapMe(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/me").RequireAuthorization();
        group.MapGet("/", GetMe);
        group.MapPatch("/", ChangeProfile);
        return group;
    }

    private static async Task<IResult> GetMe(HttpContext http, IClusterClient cluster, UserProfiles profiles)
    {
        var user = http.User();
        var rooms = cluster.GetGrain<IUserSessionGrain>(user.Name).GetRooms();
        var profile = (await profiles.Of([user.Name])).SingleOrDefault();
        var me = user with { DisplayName = profile?.DisplayName, Avatar = profile?.Avatar };
        return TypedResults.Ok(new Me(me, await cluster.RoomList().Summaries(user.Name, await rooms)));
    }

    /// <summary>
    /// Changes the fields the body names, leaving the others as they are (other profile fields may
    /// come): <c>displayName</c> set to a string sets it, to null or blank clears it (the user name is shown);
    /// <c>avatar</c> is an attachment id or null (Profiles/AvatarsApi.cs). Either refused, neither changes.
    /// </summary>
    private static async Task<IResult> ChangeProfile(
        JsonElement body, HttpContext http, UserProfiles profiles,
        UserAvatars avatars, IAttachmentStore files, IOptions<AvatarOptions> avatarOptions, AbuseLimits limits, ProfileAnnouncer announcer)
    {
        var user = http.User();
        if (body.ValueKind != JsonValueKind.Object)
        {
            return ChatProblems.Problem(ErrorCodes.Validation, "The body must be a JSON object.");
        }
        var changesName = body.TryGetProperty("displayName", out var sent);
        var displayName = !changesName ? null : sent.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => DisplayNames.Normalize(TextOf(sent)),
            _ => throw new ChatException(ErrorCodes.Validation, "displayName must be a string or null."),
        };
        var changesAvatar = body.TryGetProperty("avatar", out var avatar);
        if (!changesName && !changesAvatar)
        {
            var unchanged = (await profiles.Of([user.Name])).SingleOrDefault();
            return TypedResults.Ok(new ChangedProfile(user with { DisplayName = unchanged?.DisplayName, Avatar = unchanged?.Avatar }));
        }
        // Each change is told to every room of the user (Profiles/ProfileAnnouncer.cs): a loop of
        // changes is slowed like messages, and refused before anything changes.
        limits.TakeMessage(user.Name);
        // The display name is checked above and stored below: a refused avatar leaves it as it was.
        if (changesAvatar
            && await AvatarsApi.ChangeFromProfile(user.Name, avatar, http, avatars, files, avatarOptions.Value) is { } refused)
        {
            return refused;
        }
        if (changesName)
        {
            await profiles.SetDisplayName(user.Name, displayName);
        }
        var profile = await announcer.Announce(user.Name);
        return TypedResults.Ok(new ChangedProfile(user with { DisplayName = profile?.DisplayName, Avatar = profile?.Avatar }));
    }

    /// <summary>A JSON string as .NET text; one escaping a lone surrogate (<c>"\ud800"</c>) is no text and is refused.</summary>
    private static string TextOf(JsonElement value)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new ChatException(ErrorCodes.Validation, "displayName is not valid Unicode text.");
        }
    }
}
