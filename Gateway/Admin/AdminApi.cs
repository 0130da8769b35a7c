using ChatApp.Admin;
using ChatApp.Errors;
using ChatApp.Gateway.Accounts;
using ChatApp.Gateway.Cluster;
using ChatApp.Gateway.Contract;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatApp.Gateway.Admin;

/// <summary>
/// <c>GET /api/admin/overview</c>, read-only, for holders of the admin role (<see cref="AdminRole"/>): every room
/// with its members, messages and last activity (from the cluster), and the users connected to this
/// gateway (each gateway knows only its own sockets, and says so). The page at /admin shows it.
/// </summary>
public static class AdminApi
{
    public const int RoomLimit = 200;

    public sealed record ConnectedUser(string Name, int Connections);

    /// <summary>The sockets of one gateway: <see cref="Scope"/> says whose they are.</summary>
    public sealed record GatewayConnections(string Scope, string Instance, int Connections, IReadOnlyList<ConnectedUser> Users);

    public sealed record Overview(DateTime GeneratedAt, IReadOnlyList<RoomActivity> Rooms, GatewayConnections Gateway);

    public static RouteGroupBuilder MapAdmin(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/admin").RequireAuthorization().AddEndpointFilter(AdminOnly);
        group.MapGet("/overview", GetOverview);
        return group;
    }

    private static async Task<Ok<Overview>> GetOverview(IClusterClient cluster, SocketIndex sockets, TimeProvider time)
    {
        var rooms = await cluster.GetGrain<IAdminGrain>(0).Rooms(RoomLimit);
        var users = sockets.All()
            .GroupBy(c => c.User.Value, StringComparer.Ordinal)
            .Select(g => new ConnectedUser(g.Key, g.Count()))
            .OrderBy(u => u.Name, StringComparer.Ordinal)
            .ToList();
        var gateway = new GatewayConnections("this gateway", $"{Environment.MachineName} pid {Environment.ProcessId}", users.Sum(u => u.Connections), users);
        return TypedResults.Ok(new Overview(time.GetUtcNow().UtcDateTime, rooms, gateway));
    }

    /// <summary>Signed in is not enough: the caller must hold the admin role, or gets 403 <c>forbidden</c>.</summary>
    private static async ValueTask<object?> AdminOnly(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!await http.RequestServices.GetRequiredService<AdminRole>().IsAdmin(http.User().Name))
        {
            return ChatProblems.Problem(ErrorCodes.Forbidden, "Only administrators may see the admin overview.");
        }
        return await next(context);
    }
}
