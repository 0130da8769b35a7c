using Orleans.Concurrency;

namespace ChatApp.Gateways;

/// <summary>
/// Answers from the local silo's membership view, without a table read: one activation per silo
/// (a stateless worker is placed where it is called), as cheap as the call that reaches it.
/// </summary>
[StatelessWorker(1)]
public sealed class ClusterViewGrain(IClusterMembershipService membership) : Grain, IClusterViewGrain
{
    public Task<SiloAddress[]> ActiveSilos() =>
        Task.FromResult(membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.SiloAddress)
            .ToArray());
}
