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

    /// <summary>
    /// Sessions held through the gateway since the last call, to be detached if its lease lapses,
    /// and sessions it no longer holds, in the order they happened. A positive
    /// <paramref name="lease"/> extends the gateway's lease to at least that (zero: releases only).
    /// </summary>
    [OneWay, Alias("Apply")]
    Task Apply(IChatObserver gateway, IReadOnlyList<LeaseChange> changes, TimeSpan lease);
}

public static class GatewayLeases
{
    /// <summary>The lease grain's key: the identity of the gateway's observer, unique per process.</summary>
    public static string KeyOf(IChatObserver gateway) => gateway.GetGrainId().ToString();

    public static IGatewayLeaseGrain LeaseOf(this IGrainFactory grains, IChatObserver gateway) =>
        grains.GetGrain<IGatewayLeaseGrain>(KeyOf(gateway));
}
