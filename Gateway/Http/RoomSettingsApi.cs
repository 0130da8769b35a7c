using ChatApp.Errors;
using ChatApp.Gateway.Accounts;
using ChatApp.Gateway.Contract;
using ChatApp.Rooms;
using Npgsql;

namespace ChatApp.Gateway.Http;

/// <summary>
/// A room's settings over HTTP: its topic, lifting bans, handing ownership on, and invite links
/// (made, revoked, and used through <c>/api/invites/{code}</c>). As everywhere, the room grain
/// decides who may; the gateway parses and passes the token's user.
/// </summary>
public static class RoomSettingsApi
{
    public sealed record TopicChange(string? Topic);

    public sealed record NewInviteLink(int? MaxUses, long? ExpiresInSeconds);

    public sealed record InviteLinkView(string Code, string Url, DateTime ExpiresAt, int? MaxUses);

    public static IEndpointRouteBuilder MapRoomSettings(this IEndpointRouteBuilder routes)
    {
        var rooms = routes.MapGroup("/api/rooms").RequireAuthorization();
        rooms.MapPatch("/{id}", SetTopic);
        rooms.MapDelete("/{id}/bans/{user}", Unban);
        rooms.MapPost("/{id}/owner", HandOwnership);
        rooms.MapPost("/{id}/invites", CreateInviteLink);
        rooms.MapDelete("/{id}/invites/{code}", RevokeInviteLink);
        routes.MapPost("/api/invites/{code}", JoinByInviteLink).RequireAuthorization();
        return routes;
    }

    private static async Task<IResult> SetTopic(string id, TopicChange body, HttpContext http, IClusterClient cluster)
    {
        if (body.Topic is not { } topic)
        {
            return ChatProblems.Problem(ErrorCodes.Validation, "topic is required.");
        }
        return TypedResults.Ok(RoomView.From(await cluster.Room(RouteKeys.Room(id)).SetTopic(http.User().Name, topic)));
    }

    private static async Task<IResult> Unban(string id, string user, HttpContext http, IClusterClient cluster)
    {
        await cluster.Room(RouteKeys.Room(id)).Unban(http.User().Name, RouteKeys.User(user));
        return TypedResults.NoContent();
    }

    private static async Task<IResult> HandOwnership(string id, RoomsApi.UserRef body, HttpContext http, IClusterClient cluster)
    {
        var user = Users.UserName.TryParse(body.User, out var parsed) ? parsed : throw new ChatException(ErrorCodes.NotFound, "That user is not a member.");
        await cluster.Room(RouteKeys.Room(id)).HandOwnership(http.User().Name, user);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> CreateInviteLink(string id, NewInviteLink? body, HttpContext http, IClusterClient cluster)
    {
        TimeSpan? lifetime = body?.ExpiresInSeconds is { } seconds
            ? seconds is > 0 and <= int.MaxValue ? TimeSpan.FromSeconds(seconds) : throw new ChatException(ErrorCodes.Validation, "expiresInSeconds must be positive.")
            : null;
        var link = await cluster.Room(RouteKeys.Room(id)).CreateInviteLink(http.User().Name, body?.MaxUses, lifetime);
        // The code rides in the fragment: browsers send no fragment to servers, logs or Referer headers.
        var url = $"{http.Request.Scheme}://{http.Request.Host}/#invite={link.Code}";
        return TypedResults.Created(url, new InviteLinkView(link.Code, url, link.ExpiresAt, link.MaxUses));
    }

    private static async Task<IResult> RevokeInviteLink(string id, string code, HttpContext http, IClusterClient cluster)
    {
        await cluster.Room(RouteKeys.Room(id)).RevokeInviteLink(http.User().Name, code);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Joins the caller through a link. The room is found by the code's hash; an unknown code is
    /// 404 like a used-up, expired or revoked one, which the room grain decides.
    /// </summary>
    private static async Task<IResult> JoinByInviteLink(string code, HttpContext http, IClusterClient cluster, NpgsqlDataSource db)
    {
        if (!InviteCodes.IsWellFormed(code) || await RoomInviteLinkLookup.RoomOf(db, InviteCodes.Hash(code)) is not { } room
            || !RoomId.TryParse(room, out var roomId))
        {
            return ChatProblems.Problem(ErrorCodes.NotFound, "No such invite link.");
        }
        var joined = await cluster.Room(roomId).JoinByInviteLink(http.User().Name, code);
        return TypedResults.Ok(RoomView.From(joined.Room));
    }
}
