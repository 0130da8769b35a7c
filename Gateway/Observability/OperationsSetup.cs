using ChatApp.Defaults;
using ChatApp.Gateway.Admin;

namespace ChatApp.Gateway.Observability;

/// <summary>
/// What an operator needs from a gateway: one-line console logs (<c>Logging:Format</c>), metrics at
/// /metrics in Prometheus' format, health at /healthz and /readyz (the same as a silo's, from
/// ChatApp.Defaults), and the admin overview at /admin and /api/admin/overview.
/// </summary>
public static class OperationsSetup
{
    public static WebApplicationBuilder AddChatOperations(this WebApplicationBuilder builder)
    {
        builder.Logging.AddChatConsole(builder.Configuration);
        builder.Services.AddSingleton<GatewayMetrics>();
        builder.Services.AddValidatedOptions<AdminOptions>(AdminOptions.Section);
        builder.Services.AddChatMetrics("chatapp-gateway", GatewayMetrics.MeterName);
        return builder;
    }

    public static WebApplication MapChatOperations(this WebApplication app)
    {
        app.MapHealthAndMetrics();
        app.MapAdmin();
        return app;
    }
}
