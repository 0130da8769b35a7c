using ChatApp.Errors;
using ChatApp.Rooms;
using ChatApp.Users;

namespace ChatApp.Gateway.Http;

/// <summary>
/// Room ids and user names as a route spells them (<c>/api/rooms/{id}/members/{user}</c>). One that
/// breaks the rule names nothing that could exist, so it is not found, as an unknown one is.
/// </summary>
internal static class RouteKeys
{
    public static RoomId Room(string id) =>
        RoomId.TryParse(id, out var room) ? room : throw new ChatException(ErrorCodes.NotFound, "No such room.");

    public static UserName User(string name) =>
        UserName.TryParse(name, out var user) ? user : throw new ChatException(ErrorCodes.NotFound, "No such user.");
}
