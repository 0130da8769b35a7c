using ChatApp.Gateway.Accounts;
using ChatApp.Gateway.Contract;
using ChatApp.Rooms;

namespace ChatApp.Gateway.Http;

/// <summary>
/// <c>/api/invitations</c>: the rooms the caller was invited into, and their answer. An owner or
/// moderator adding someone to a room only invites them; accepting joins the room (through its
/// grain, counted against the caller's room cap), declining forgets the invitation.
/// </summary>
public static class InvitationsApi
{
    public static RouteGroupBuilder MapInvitations(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/invitations").RequireAuthorization();
        group.MapGet("/", List);
        group.MapPost("/{room}", Accept);
        group.MapDelete("/{room}", Decline);
        return group;
    }

    public sealed record InvitationView(string Room, string InvitedBy, string Topic, DateTime Ts);

    private static async Task<IResult> List(HttpContext http, IClusterClient cluster)
    {
        var pending = await cluster.Session(http.User().Name).Invitations();
        return TypedResults.Ok(pending.Select(i => new InvitationView(i.Room, i.InvitedBy, i.Topic, i.Ts)));
    }

    private static async Task<IResult> Accept(string room, HttpContext http, IClusterClient cluster)
    {
        var joined = await cluster.Room(RouteKeys.Room(room)).AcceptInvitation(http.User().Name);
        return TypedResults.Ok(RoomView.From(joined.Room));
    }

    private static async Task<IResult> Decline(string room, HttpContext http, IClusterClient cluster)
    {
        await cluster.Room(RouteKeys.Room(room)).DeclineInvitation(http.User().Name);
        return TypedResults.NoContent();
    }
}
