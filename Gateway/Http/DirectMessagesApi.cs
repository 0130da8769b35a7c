using ChatApp.Errors;
using ChatApp.Gateway.Accounts;
using ChatApp.Gateway.Contract;
using ChatApp.Rooms;
using ChatApp.Users;

namespace ChatApp.Gateway.Http;

/// <summary>Direct messages and read markers over HTTP.</summary>
public static class DirectMessagesApi
{
    public sealed record OtherUser(string? User);

    public sealed record ReadUpTo(long? Seq);

    public static RouteGroupBuilder MapDirectMessages(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api").RequireAuthorization();
        group.MapPost("/dms", Open);
        group.MapPost("/rooms/{id}/read", Read);
        return group;
    }

    /// <summary>The one direct-message room of the caller and another user, made on first use.</summary>
    private static async Task<IResult> Open(OtherUser body, HttpContext http, IClusterClient cluster, UserAccounts accounts)
    {
        var me = http.User().Name;
        var other = UserName.Normalize(body.User ?? "");
        if (!UserName.IsValid(other) || await accounts.Find(other) is null)
        {
            return ChatProblems.Problem(ErrorCodes.NotFound, "No such user.");
        }
        if (other == me)
        {
            return ChatProblems.Problem(ErrorCodes.Validation, "A direct message needs another user.");
        }
        var details = await cluster.GetGrain<IRoomGrain>(DirectRoom.IdOf(me, other)).OpenDirect(me, other);
        return TypedResults.Ok(RoomView.From(details));
    }

    private static async Task<IResult> Read(string id, ReadUpTo body, HttpContext http, IClusterClient cluster)
    {
        if (body.Seq is not { } seq || seq < 0)
        {
            return ChatProblems.Problem(ErrorCodes.Validation, "seq is a non-negative integer.");
        }
        await cluster.GetGrain<IUserSessionGrain>(http.User().Name).MarkRead(id, seq);
        return TypedResults.NoContent();
    }
}
