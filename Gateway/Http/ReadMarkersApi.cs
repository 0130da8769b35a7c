using ChatApp.Errors;
using ChatApp.Gateway.Accounts;
using ChatApp.Gateway.Contract;
using ChatApp.Users;

namespace ChatApp.Gateway.Http;

/// <summary>
/// <c>POST /api/rooms/{id}/read</c>: how far the caller has read a room. The user's session keeps
/// the marker and tells the user's other devices the new unread count.
/// </summary>
public static class ReadMarkersApi
{
    public sealed record ReadUpTo(long? Seq);

    public static RouteGroupBuilder MapReadMarkers(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/rooms/{id}/read").RequireAuthorization();
        group.MapPost("/", MarkRead);
        return group;
    }

    private static async Task<IResult> MarkRead(string id, ReadUpTo body, HttpContext http, IClusterClient cluster)
    {
        if (body.Seq is not { } seq || seq < 0)
        {
            return ChatProblems.Problem(ErrorCodes.Validation, "seq is a non-negative integer.");
        }
        await cluster.Session(http.User().Name).MarkRead(RouteKeys.Room(id), seq);
        return TypedResults.NoContent();
    }
}
