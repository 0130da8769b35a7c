using ChatApp.Users;
using Orleans.Concurrency;

namespace ChatApp.Gateways;

/// <summary>
/// One gateway process's lease on the cluster (key: <see cref="GatewayLeases.KeyOf"/>). The
/// gateway renews it on a timer, one call per period however many users it holds; the user
/// sessions attached through the gateway register here, and when the lease lapses (the gateway
/// died without a word) each of them is detached from it, so its users go offline.
/// </summary>
[Alias("ChatApp.Gateways.IGatewayLeaseGrain")]
public interface IGatewayLeaseGrain : IGrainWithStringKey
{
    /// <summary>
    /// The gateway's heartbeat. True when no lease was running (the first, one lapsed, or one
    /// lost with its silo): the grain knows none of the gateway's sessions, which the gateway
    /// must attach again.
    /// </summary>
    [Alias("Renew")]
    Task<bool> Renew(IChatObserver gateway, TimeSpan lease);

    /// <summary>A session now held by the gateway, to be detached if the lease lapses; extends the lease to at least <paramref name="lease"/>.</summary>
    [OneWay, Alias("Hold")]
    Task Hold(IChatObserver gateway, IUserSessionGrain session, TimeSpan lease);

    /// <summary>The gateway no longer holds the session.</summary>
    [OneWay, Alias("Release")]
    Task Release(IUserSessionGrain session);
}

public static class GatewayLeases
{
    /// <summary>The lease grain's key: the identity of the gateway's observer, unique per process.</summary>
    public static string KeyOf(IChatObserver gateway) => gateway.GetGrainId().ToString();

    public static IGatewayLeaseGrain LeaseOf(this IGrainFactory grains, IChatObserver gateway) =>
        grains.GetGrain<IGatewayLeaseGrain>(KeyOf(gateway));
}
