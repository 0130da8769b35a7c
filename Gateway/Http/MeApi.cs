using ChatApp.Gateway.Accounts;
using ChatApp.Gateway.Contract;
using ChatApp.Rooms;
using ChatApp.Users;

namespace ChatApp.Gateway.Http;

/// <summary><c>GET /api/me</c>: the signed-in user and the rooms they belong to.</summary>
public static class MeApi
{
    public sealed record Me(UserView User, IReadOnlyList<RoomSummary> Rooms);

    public static RouteGroupBuilder MapMe(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/me").RequireAuthorization();
        group.MapGet("/", GetMe);
        return group;
    }

    private static async Task<IResult> GetMe(HttpContext http, IClusterClient cluster)
    {
        var user = http.User();
        var rooms = await cluster.GetGrain<IUserSessionGrain>(user.Name).GetRooms();
        return TypedResults.Ok(new Me(user, await cluster.RoomList().Summaries(user.Name, rooms)));
    }
}
