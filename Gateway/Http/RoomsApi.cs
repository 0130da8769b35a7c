using ChatApp.Errors;
using ChatApp.Gateway.Accounts;
using ChatApp.Gateway.Contract;
using ChatApp.Rooms;
using ChatApp.Users;

namespace ChatApp.Gateway.Http;

/// <summary>
/// <c>/api/rooms</c>: the rooms, and who is in them (members, bans, roles). Every call acts for
/// the token's user and asks the room grain. The gateway only checks that a named user exists;
/// whether the caller may do it is the room grain's decision, every time.
/// </summary>
public static class RoomsApi
{
    public sealed record NewRoom(string? Id, string? Topic, string? Visibility);

    public sealed record UserRef(string? User);

    public sealed record RoleChange(string? Role);

    public static RouteGroupBuilder MapRooms(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/rooms").RequireAuthorization();
        group.MapGet("/", ListRooms);
        group.MapPost("/", Create);
        group.MapGet("/{id}", GetRoom);
        group.MapGet("/{id}/members", ListMembers);
        group.MapPost("/{id}/members", AddMember);
        group.MapDelete("/{id}/members/{user}", RemoveMember);
        group.MapPut("/{id}/members/{user}/role", SetRole);
        group.MapPost("/{id}/bans", Ban);
        return group;
    }

    /// <summary>Every public room and every room the caller belongs to.</summary>
    private static async Task<IResult> ListRooms(HttpContext http, IClusterClient cluster)
    {
        var user = http.User();
        var mine = cluster.Session(user.Name).GetRooms();
        var open = cluster.GetGrain<IRoomDirectoryGrain>(0).ListPublic(500);
        var ids = (await mine).Union(await open).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return TypedResults.Ok(await cluster.RoomList().Summaries(user.Name, ids));
    }

    /// <summary>
    /// Makes a room. A taken id answers 409 whether the room is public or private, alike in every
    /// byte: an id is a name anyone may try to take, so that it is taken cannot be hidden, and
    /// nothing else is told. A private room sent without an id gets one nobody can guess, whose
    /// existence no one can probe (docs/security.md, "Room ids").
    /// </summary>
    private static async Task<IResult> Create(NewRoom body, HttpContext http, IClusterClient cluster)
    {
        var id = body.Id is null && body.Visibility == RoomVisibility.Private ? UnguessableId() : RoomId.ParseNamed(body.Id);
        var details = await cluster.Room(id).Create(http.User().Name, body.Visibility ?? RoomVisibility.Public, body.Topic ?? "");
        return TypedResults.Created($"/api/rooms/{id}", RoomView.From(details));
    }

    /// <summary>"p-" and 128 random bits in hex: 34 characters, within the room id rule.</summary>
    private static RoomId UnguessableId() =>
        RoomId.Parse($"p-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16))}");

    private static async Task<IResult> GetRoom(string id, HttpContext http, IClusterClient cluster)
    {
        var details = await cluster.Room(RouteKeys.Room(id)).GetDetails(http.User().Name);
        return TypedResults.Ok(RoomView.From(details));
    }

    /// <summary>A page of members in name order: a room lists its first 100, and a big room is read on from there.</summary>
    private static async Task<IResult> ListMembers(string id, string? after, int? limit, HttpContext http, IClusterClient cluster) =>
        TypedResults.Ok(await cluster.Room(RouteKeys.Room(id)).Members(http.User().Name, after, limit ?? 100));

    /// <summary>Joins the caller (204), or invites someone else (202): they become a member only when they accept.</summary>
    private static async Task<IResult> AddMember(string id, UserRef body, HttpContext http, IClusterClient cluster, UserAccounts accounts)
    {
        var user = await ExistingUser(body.User, accounts);
        var actor = http.User().Name;
        await cluster.Room(RouteKeys.Room(id)).AddMember(actor, user);
        return user == actor ? TypedResults.NoContent() : TypedResults.Accepted((string?)null);
    }

    private static async Task<IResult> RemoveMember(string id, string user, HttpContext http, IClusterClient cluster)
    {
        await cluster.Room(RouteKeys.Room(id)).RemoveMember(http.User().Name, RouteKeys.User(user));
        return TypedResults.NoContent();
    }

    private static async Task<IResult> SetRole(string id, string user, RoleChange body, HttpContext http, IClusterClient cluster)
    {
        await cluster.Room(RouteKeys.Room(id)).SetRole(http.User().Name, RouteKeys.User(user), body.Role ?? "");
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Ban(string id, UserRef body, HttpContext http, IClusterClient cluster, UserAccounts accounts)
    {
        var user = await ExistingUser(body.User, accounts);
        await cluster.Room(RouteKeys.Room(id)).Ban(http.User().Name, user);
        return TypedResults.NoContent();
    }

    private static async Task<UserName> ExistingUser(string? name, UserAccounts accounts)
    {
        return UserName.TryParse(name, out var parsed) && await accounts.Find(parsed) is { } user
            ? user.Name
            : throw new ChatException(ErrorCodes.NotFound, "No such user.");
    }
}
