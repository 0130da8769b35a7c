using ChatApp.Errors;
using ChatApp.Gateway.Accounts;
using ChatApp.Gateway.Contract;
using ChatApp.Rooms;
using ChatApp.Users;

namespace ChatApp.Gateway.Http;

/// <summary>The room calls of the HTTP API; every one acts for the token's user and asks the room grain.</summary>
public static class RoomsApi
{
    public static RouteGroupBuilder MapRooms(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api").RequireAuthorization();
        group.MapGet("/me", GetMe);
        group.MapGet("/rooms", ListRooms);
        group.MapGet("/rooms/{id}", GetRoom);
        group.MapGet("/rooms/{id}/messages", GetMessages);
        return group;
    }

    public sealed record Me(UserView User, IReadOnlyList<RoomSummary> Rooms);

    private static async Task<IResult> GetMe(HttpContext http, IClusterClient cluster)
    {
        var user = http.User();
        var rooms = await cluster.GetGrain<IUserSessionGrain>(user.Name).GetRooms();
        return TypedResults.Ok(new Me(user, await Summaries(cluster, user.Name, rooms)));
    }

    /// <summary>Every public room and every room the caller belongs to.</summary>
    private static async Task<IResult> ListRooms(HttpContext http, IClusterClient cluster)
    {
        var user = http.User();
        var mine = cluster.GetGrain<IUserSessionGrain>(user.Name).GetRooms();
        var open = cluster.GetGrain<IRoomDirectoryGrain>(0).ListPublic(500);
        var ids = (await mine).Union(await open).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return TypedResults.Ok(await Summaries(cluster, user.Name, ids));
    }

    private static async Task<IResult> GetRoom(string id, HttpContext http, IClusterClient cluster)
    {
        var details = await cluster.GetGrain<IRoomGrain>(id).GetDetails(http.User().Name);
        return TypedResults.Ok(RoomView.From(details));
    }

    private static async Task<IResult> GetMessages(string id, long? before, long? after, int? limit, HttpContext http, IClusterClient cluster)
    {
        if (limit is < 1 or > 200)
        {
            return ChatProblems.Problem(ErrorCodes.Validation, "limit is 1 to 200.");
        }
        if (before is not null && after is not null)
        {
            return ChatProblems.Problem(ErrorCodes.Validation, "Give before or after, not both.");
        }
        var page = await cluster.GetGrain<IRoomGrain>(id).History(http.User().Name, before, after, limit ?? 50);
        return TypedResults.Ok(page);
    }

    /// <summary>
    /// Summaries as the user sees them, unread counts included, from the user's session; a room
    /// that refuses (say, left meanwhile) is left out.
    /// </summary>
    public static Task<IReadOnlyList<RoomSummary>> Summaries(IClusterClient cluster, string user, IEnumerable<string> ids) =>
        cluster.GetGrain<IUserSessionGrain>(user).Summarize([.. ids]);
}
