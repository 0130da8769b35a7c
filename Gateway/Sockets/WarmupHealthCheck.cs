using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatApp.Gateway.Sockets;

/// <summary>
/// Not ready while the gateway warms itself up (<see cref="SocketWarmup"/>): a deploy sends it users
/// only once it is warm. Degraded, not Unhealthy: a gateway starting is no error for its log, and
/// /readyz answers 503 for either.
/// </summary>
public sealed class WarmupHealthCheck(SocketWarmup warmup) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(!warmup.Done.IsCompleted
            ? HealthCheckResult.Degraded("warming up")
            : warmup.Done.Result.Failure is { } failure
                ? HealthCheckResult.Healthy($"not warm: the warm-up failed ({failure})")
                : HealthCheckResult.Healthy("warm"));
}
