using Orleans.Concurrency;

namespace ChatApp.Users;

/// <summary>
/// One per user (key: user name): the rooms the user belongs to, and the gateways holding the
/// user's live connections. It consumes the user's stream of membership changes, so that a
/// room joined on one device reaches every other device of the user, on any gateway.
/// </summary>
[Alias("ChatApp.IUserSessionGrain")]
public interface IUserSessionGrain : IGrainWithStringKey
{
    /// <summary>Registers or renews a gateway holding this user's sockets; returns the user's rooms.</summary>
    [Alias("Attach")]
    Task<IReadOnlyList<string>> Attach(IChatObserver gateway, TimeSpan lease);

    [Alias("Detach")]
    Task Detach(IChatObserver gateway);

    [ReadOnly, Alias("GetRooms")]
    Task<IReadOnlyList<string>> GetRooms();

    /// <summary>The raw state, for the Orleans Dashboard and operators.</summary>
    [ReadOnly, Alias("GetState")]
    Task<UserSessionState> GetState();
}
