using Microsoft.AspNetCore.SignalR;

namespace ChatApp.Bench.SignalRPeer;

/// <summary>
/// The tutorial's chat hub with rooms: Join adds the connection to the room's group, Send stores
/// the message and then broadcasts it to the group (the sender's own connection included); the
/// value Send returns is the client's acknowledgement. The user is named by the connection's
/// <c>user</c> query parameter: like the tutorial, the hub does no authentication.
/// </summary>
public sealed class ChatHub(MessageStore store) : Hub
{
    private const int MaxText = 4000;

    private string User => Context.GetHttpContext()?.Request.Query["user"].ToString() is { Length: > 0 } user ? user : Context.ConnectionId;

    public async Task Join(string room) => await Groups.AddToGroupAsync(Context.ConnectionId, room);

    public async Task<long> Send(string room, string text)
    {
        if (text.Length > MaxText)
        {
            throw new HubException("text too long");
        }
        var id = await store.InsertAsync(room, User, text);
        await Clients.Group(room).SendAsync("message", room, User, text, id);
        return id;
    }

    public string Ping() => Context.ConnectionId;
}
