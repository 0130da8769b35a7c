using ChatApp.Gateway.Admin;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace ChatApp.Gateway.Observability;

/// <summary>
/// What an operator needs from a gateway: one-line console logs (<c>Logging:Format</c>), metrics at
/// /metrics in Prometheus' format, and the admin overview at /admin and /api/admin/overview.
/// </summary>
public static class OperationsSetup
{
    public static WebApplicationBuilder AddChatOperations(this WebApplicationBuilder builder)
    {
        builder.Logging.AddChatConsole(builder.Configuration);
        builder.Services.AddSingleton<GatewayMetrics>();
        builder.Services.AddOptions<AdminOptions>().Bind(builder.Configuration.GetSection(AdminOptions.Section));
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("chatapp-gateway"))
            .WithMetrics(metrics => metrics
                .AddMeter(GatewayMetrics.MeterName, "Microsoft.Orleans")
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddPrometheusExporter());
        return builder;
    }

    public static WebApplication MapChatOperations(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapAdmin();
        return app;
    }
}
