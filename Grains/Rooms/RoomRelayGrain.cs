using ChatApp.Gateways;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace ChatApp.Rooms;

/// <summary>
/// Consumes a room's stream (an implicit subscription: Orleans activates it on the first event)
/// and passes each event to the gateways watching the room. The observer calls are one-way,
/// so a slow or dead gateway costs the room nothing.
/// </summary>
[ImplicitStreamSubscription(ChatStreams.RoomNamespace)]
public sealed partial class RoomRelayGrain(TimeProvider time, ILogger<RoomRelayGrain> logger)
    : Grain, IRoomRelayGrain, IStreamSubscriptionObserver, IAsyncObserver<RoomEvent>
{
    private readonly ObserverLeases _gateways = new(time);

    public Task<bool> Watch(IChatObserver gateway, TimeSpan lease)
    {
        var known = _gateways.Renew(gateway, lease);
        // Registrations live in memory only: stay active at least as long as the lease we granted.
        this.DelayDeactivation(lease);
        return Task.FromResult(!known);
    }

    public Task Unwatch(IChatObserver gateway)
    {
        _gateways.Remove(gateway);
        return Task.CompletedTask;
    }

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<RoomEvent>().ResumeAsync(this);

    public Task OnNextAsync(RoomEvent item, StreamSequenceToken? token = null)
    {
        foreach (var gateway in _gateways.Live())
        {
            gateway.OnRoomEvent(item);
        }
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex)
    {
        LogStreamError(logger, ex, this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stream of room {Room} reported an error")]
    private static partial void LogStreamError(ILogger logger, Exception ex, string room);
}
