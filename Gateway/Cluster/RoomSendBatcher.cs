using ChatApp.Errors;
using ChatApp.Rooms;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace ChatApp.Gateway.Cluster;

/// <summary>
/// This gateway's sends, gathered room by room (<see cref="RoomCallBatcher{TRequest, TResult}"/>)
/// into calls of <see cref="IRoomGrain.SendMany"/>. A send answered <c>unavailable</c> at its
/// deadline may yet be stored: a retry with its clientMsgId is answered with the same seq.
/// </summary>
public sealed class RoomSendBatcher(IClusterClient cluster, IOptions<ClientMessagingOptions> messaging)
    : RoomCallBatcher<MessageToSend, SendResult>(cluster, messaging)
{
    /// <summary>Sends a message in the room's next call; its own acknowledgement, or its own refusal thrown.</summary>
    public Task<SendResult> SendAsync(RoomId room, MessageToSend send) => EnqueueAsync(room, send);

    protected override async Task<IReadOnlyList<(SendResult? Result, ChatException? Failure)>> CallAsync(IRoomGrain room, IReadOnlyList<MessageToSend> batch) =>
        [.. (await room.SendMany(batch)).Select(o => (o.Sent, o.Failure))];
}
