using ChatApp.Gateways;
using ChatApp.Storage;

namespace ChatApp.Users;

/// <summary>
/// A user's rooms and the gateways holding the user's sockets. Rooms report joins and leaves
/// here; this grain keeps the list and tells each of those gateways, so every device of the
/// user follows a room the moment any one of them joins it.
/// </summary>
public sealed class UserSessionGrain(
    [PersistentState("session", StorageNames.Chat)] IPersistentState<UserSessionState> state,
    TimeProvider time)
    : Grain, IUserSessionGrain
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

    public async Task ApplyMembership(MembershipChange item)
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
}
