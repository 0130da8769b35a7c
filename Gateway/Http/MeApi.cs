using System.Text.Json;
using ChatApp.Errors;
using ChatApp.Gateway.Accounts;
using ChatApp.Gateway.Contract;
using ChatApp.Rooms;
using ChatApp.Users;

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
    /// come): <c>displayName</c> set to a string sets it, to null or blank clears it (the user name is shown).
    /// </summary>
    private static async Task<IResult> ChangeProfile(JsonElement body, HttpContext http, UserProfiles profiles)
    {
        var user = http.User();
        if (body.ValueKind != JsonValueKind.Object)
        {
            return ChatProblems.Problem(ErrorCodes.Validation, "The body must be a JSON object.");
        }
        if (body.TryGetProperty("displayName", out var sent))
        {
            var displayName = sent.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => DisplayNames.Normalize(TextOf(sent)),
                _ => throw new ChatException(ErrorCodes.Validation, "displayName must be a string or null."),
            };
            await profiles.SetDisplayName(user.Name, displayName);
        }
        var profile = (await profiles.Of([user.Name])).SingleOrDefault();
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
