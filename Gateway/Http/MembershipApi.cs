using ChatApp.Errors;
using ChatApp.Gateway.Accounts;
using ChatApp.Gateway.Contract;
using ChatApp.Rooms;
using ChatApp.Users;

namespace ChatApp.Gateway.Http;

/// <summary>
/// Creating rooms and changing who is in them. The gateway only checks that a named user
/// exists; whether the caller may do it is the room grain's decision, every time.
/// </summary>
public static class MembershipApi
{
    public sealed record NewRoom(string? Id, string? Topic, string? Visibility);

    public sealed record UserRef(string? User);

    public sealed record RoleChange(string? Role);

    public static RouteGroupBuilder MapMembership(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/rooms").RequireAuthorization();
        group.MapPost("/", Create);
        group.MapGet("/{id}/members", List);
        group.MapPost("/{id}/members", Add);
        group.MapDelete("/{id}/members/{user}", Remove);
        group.MapPost("/{id}/bans", Ban);
        group.MapPut("/{id}/members/{user}/role", SetRole);
        return group;
    }

    private static async Task<IResult> Create(NewRoom body, HttpContext http, IClusterClient cluster)
    {
        if (!RoomId.IsValid(body.Id))
        {
            return ChatProblems.Problem(ErrorCodes.Validation, "Room ids are 1 to 64 of a-z, 0-9, '_' and '-', starting with a letter or digit.");
        }
        var details = await cluster.GetGrain<IRoomGrain>(body.Id).Create(http.User().Name, body.Visibility ?? RoomVisibility.Public, body.Topic ?? "");
        return TypedResults.Created($"/api/rooms/{body.Id}", RoomView.From(details));
    }

    /// <summary>A page of members in name order: a room lists its first 100, and a big room is read on from there.</summary>
    private static async Task<IResult> List(string id, string? after, int? limit, HttpContext http, IClusterClient cluster) =>
        TypedResults.Ok(await cluster.GetGrain<IRoomGrain>(id).Members(http.User().Name, after, limit ?? 100));

    private static async Task<IResult> Add(string id, UserRef body, HttpContext http, IClusterClient cluster, UserAccounts accounts)
    {
        var user = await ExistingUser(body.User, accounts);
        await cluster.GetGrain<IRoomGrain>(id).AddMember(http.User().Name, user);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Remove(string id, string user, HttpContext http, IClusterClient cluster)
    {
        await cluster.GetGrain<IRoomGrain>(id).RemoveMember(http.User().Name, UserName.Normalize(user));
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Ban(string id, UserRef body, HttpContext http, IClusterClient cluster, UserAccounts accounts)
    {
        var user = await ExistingUser(body.User, accounts);
        await cluster.GetGrain<IRoomGrain>(id).Ban(http.User().Name, user);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> SetRole(string id, string user, RoleChange body, HttpContext http, IClusterClient cluster)
    {
        await cluster.GetGrain<IRoomGrain>(id).SetRole(http.User().Name, UserName.Normalize(user), body.Role ?? "");
        return TypedResults.NoContent();
    }

    private static async Task<string> ExistingUser(string? name, UserAccounts accounts)
    {
        var normalized = UserName.Normalize(name ?? "");
        return UserName.IsValid(normalized) && await accounts.Find(normalized) is { } user
            ? user.Name
            : throw new ChatException(ErrorCodes.NotFound, "No such user.");
    }
}
