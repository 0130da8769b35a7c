using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace ChatApp.Defaults;

/// <summary>
/// What an operator scrapes and probes on either host: metrics in Prometheus' text format at
/// /metrics, liveness at /healthz and readiness at /readyz. The gateway serves them on its own
/// port, a silo on its admin port; each says what being ready means by tagging its checks <see cref="Ready"/>.
/// </summary>
public static class HealthAndMetrics
{
    public const string LivePath = "/healthz";
    public const string ReadyPath = "/readyz";
    public const string MetricsPath = "/metrics";

    /// <summary>The tag of the health checks /readyz runs; /healthz runs none (it answers while the process runs).</summary>
    public const string Ready = "ready";

    /// <summary>
    /// Metrics for Prometheus: the host's own meter, Orleans', Npgsql's, ASP.NET Core's and the
    /// runtime's. Meters are process-wide and found by name, so this sees instruments made anywhere in the process.
    /// </summary>
    /// <param name="instanceId">Which of several processes of the service this is; null lets OpenTelemetry make one up.</param>
    public static IServiceCollection AddChatMetrics(this IServiceCollection services, string serviceName, string meterName, string? instanceId = null)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceInstanceId: instanceId))
            .WithMetrics(metrics => metrics
                .AddMeter(meterName, "Microsoft.Orleans")
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddPrometheusExporter());
        return services;
    }

    /// <summary>/healthz, /readyz and /metrics (a silo's admin port).</summary>
    public static IEndpointRouteBuilder MapHealthAndMetrics(this IEndpointRouteBuilder routes)
    {
        routes.MapHealth();
        routes.MapPrometheusScrapingEndpoint(MetricsPath);
        return routes;
    }

    /// <summary>/healthz and /readyz alone (the gateway's public port, which serves /metrics only on a port of its own).</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapHealthChecks(LivePath, new() { Predicate = _ => false });
        // A ready check answers Degraded for "not yet, and nothing is wrong" (a gateway warming up):
        // ASP.NET Core logs it as a warning where Unhealthy is an error, and it is still not ready.
        routes.MapHealthChecks(ReadyPath, new()
        {
            Predicate = check => check.Tags.Contains(Ready),
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        return routes;
    }
}
