using ChatApp.Errors;
using ChatApp.Rooms;
using ChatApp.Users;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace ChatApp.Gateway.Cluster;

/// <summary>
/// This gateway's joins, gathered room by room (<see cref="RoomCallBatcher{TRequest, TResult}"/>)
/// into calls of <see cref="IRoomGrain.JoinMany"/>: a reconnect storm into one room pays a call, a
/// statement, a commit and a stream item per batch instead of per join. The room learns of this
/// gateway as the joiners' (<see cref="ConnectionHub.Observer"/>), which follows the room for their
/// sockets from each reply.
/// </summary>
public sealed class RoomJoinBatcher(IClusterClient cluster, IOptions<ClientMessagingOptions> messaging, ConnectionHub hub)
    : RoomCallBatcher<UserName, JoinResult>(cluster, messaging)
{
    /// <summary>Joins the user in the room's next call; what they are shown, or their own refusal thrown.</summary>
    public Task<JoinResult> JoinAsync(RoomId room, UserName user) => EnqueueAsync(room, user);

    protected override async Task<IReadOnlyList<(JoinResult? Result, ChatException? Failure)>> CallAsync(IRoomGrain room, IReadOnlyList<UserName> batch) =>
        [.. (await room.JoinMany(batch, hub.Observer)).Select(o => (o.Joined, o.Failure))];
}
