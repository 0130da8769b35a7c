using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatApp.Silo.Operations;

/// <summary>
/// Ready only while the cluster's membership lists this silo as Active: not while it is still
/// joining, nor once it is shutting down and handing its grains over.
/// </summary>
public sealed class SiloActiveCheck(ILocalSiloDetails local, IClusterMembershipService membership) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy("active in the cluster")
            : HealthCheckResult.Unhealthy($"the silo is {status}"));
    }
}
