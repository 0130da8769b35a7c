using ChatApp.Gateways;
using ChatApp.Rooms;
using ChatApp.Storage;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace ChatApp.Users;

/// <summary>
/// A user's rooms and the gateways holding the user's sockets. Rooms announce joins and leaves
/// on the user's stream; this grain keeps the list and tells each of those gateways, so every
/// device of the user follows a room the moment any one of them joins it.
/// </summary>
[ImplicitStreamSubscription(ChatStreams.UserNamespace)]
public sealed partial class UserSessionGrain(
    [PersistentState("session", StorageNames.Chat)] IPersistentState<UserSessionState> state,
    TimeProvider time,
    ILogger<UserSessionGrain> logger)
    : Grain, IUserSessionGrain, IStreamSubscriptionObserver, IAsyncObserver<MembershipChange>
{
    private readonly ObserverLeases _gateways = new(time);

    public Task<IReadOnlyList<string>> Attach(IChatObserver gateway, TimeSpan lease)
    {
        _gateways.Renew(gateway, lease);
        this.DelayDeactivation(lease);
        return GetRooms();
    }

    public Task Detach(IChatObserver gateway)
    {
        _gateways.Remove(gateway);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> GetRooms() =>
        Task.FromResult<IReadOnlyList<string>>(state.State.Rooms.Order(StringComparer.Ordinal).ToList());

    public Task<UserSessionState> GetState() => Task.FromResult(state.State);

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<MembershipChange>().ResumeAsync(this);

    public async Task OnNextAsync(MembershipChange item, StreamSequenceToken? token = null)
    {
        var changed = item.Joined ? state.State.Rooms.Add(item.Room) : state.State.Rooms.Remove(item.Room);
        if (changed)
        {
            await state.WriteStateAsync();
        }
        foreach (var gateway in _gateways.Live())
        {
            gateway.OnMembershipChanged(item);
        }
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex)
    {
        LogStreamError(logger, ex, this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stream of user {User} reported an error")]
    private static partial void LogStreamError(ILogger logger, Exception ex, string user);
}
