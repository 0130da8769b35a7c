using System.Globalization;
using ChatApp.Defaults;

namespace ChatApp.Gateway.Observability;

/// <summary>
/// The gateway's /metrics, served only on a listener of its own (<c>Metrics:Port</c>, on
/// <c>Metrics:Host</c>, 127.0.0.1 by default), never on the public port that a proxy forwards
/// (docs/deploy.md routes all of <c>/</c> there). Without <c>Metrics:Port</c> the gateway serves no
/// metrics. The listener is told apart by the local port a request arrived on, which a client cannot
/// choose, not by its Host header, which it can.
/// </summary>
public static class MetricsPort
{
    public const string PortKey = "Metrics:Port";
    public const string HostKey = "Metrics:Host";

    /// <summary>Adds the metrics listener to the addresses the gateway listens on (<c>--urls</c>, ASPNETCORE_URLS or _HTTP_PORTS).</summary>
    public static void AddMetricsListener(this WebApplicationBuilder builder)
    {
        if (PortOf(builder.Configuration) is not { } port)
        {
            return;
        }
        var host = builder.Configuration[HostKey] ?? "127.0.0.1";
        builder.WebHost.UseUrls([.. PublicUrls(builder.Configuration), $"http://{host}:{port}"]);
    }

    /// <summary>Answers /metrics on the metrics listener; everywhere else /metrics is not found.</summary>
    public static void UseMetricsListener(this WebApplication app)
    {
        if (PortOf(app.Configuration) is { } port)
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint(context =>
                context.Connection.LocalPort == port && context.Request.Path == HealthAndMetrics.MetricsPath);
        }
    }

    private static int? PortOf(IConfiguration config) =>
        int.TryParse(config[PortKey], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : config[PortKey] is { Length: > 0 } bad
                ? throw new InvalidOperationException($"{PortKey} must be a port number from 1 to 65535, not '{bad}'.")
                : null;

    // What Kestrel would listen on without the metrics listener: setting the addresses replaces them.
    private static IEnumerable<string> PublicUrls(IConfiguration config)
    {
        if (config["urls"] is { Length: > 0 } urls)
        {
            return urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        if (config["http_ports"] is { Length: > 0 } ports)
        {
            return ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"http://*:{p}");
        }
        return ["http://localhost:5000"];
    }
}
