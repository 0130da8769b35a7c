using ChatApp.Errors;
using ChatApp.Gateway.Accounts;
using ChatApp.Gateway.Contract;
using ChatApp.Rooms;
using ChatApp.Users;

namespace ChatApp.Gateway.Http;

/// <summary><c>POST /api/dms</c>: the direct-message room of the caller and another user.</summary>
public static class DirectRoomsApi
{
    public sealed record OtherUser(string? User);

    public static RouteGroupBuilder MapDirectRooms(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/dms").RequireAuthorization();
        group.MapPost("/", Open);
        return group;
    }

    /// <summary>The one direct-message room of the caller and another user, made on first use.</summary>
    private static async Task<IResult> Open(OtherUser body, HttpContext http, IClusterClient cluster, UserAccounts accounts)
    {
        var me = http.User().Name;
        if (!UserName.TryParse(body.User, out var other) || await accounts.Find(other) is null)
        {
            return ChatProblems.Problem(ErrorCodes.NotFound, "No such user.");
        }
        if (other == me)
        {
            return ChatProblems.Problem(ErrorCodes.Validation, "A direct message needs another user.");
        }
        var details = await cluster.Room(DirectRoom.IdOf(me, other)).OpenDirect(me, other);
        return TypedResults.Ok(RoomView.From(details));
    }
}
