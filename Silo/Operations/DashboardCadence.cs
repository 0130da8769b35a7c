using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Orleans.Dashboard;

namespace ChatApp.Silo.Operations;

/// <summary>
/// Feeds the Orleans Dashboard's counters at the dashboard's own cadence
/// (<see cref="DashboardOptions.CounterUpdateIntervalMs"/>) instead of every second.
/// </summary>
/// <remarks>
/// The dashboard's host starts a metric reader of its own that wakes a thread every second, for
/// ever, whether or not anyone has the dashboard open: about 0.55 % of a core per silo on the
/// bench machine, one of the largest single costs of an idle silo (bench/README.md, "Where idle
/// time goes"). That reader is stopped once the dashboard has started, and the same exporter is
/// read on the dashboard's own interval, as its collector of silo statistics already is. The
/// dashboard's types are internal, so they are found by name; if a new release renames them, the
/// dashboard keeps its own reader and a warning says so.
/// </remarks>
public sealed partial class DashboardCadence(IServiceProvider services, IOptions<DashboardOptions> options, ILogger<DashboardCadence> logger)
    : IHostedService, IDisposable
{
    private const string DashboardHostType = "Orleans.Dashboard.DashboardHost";
    private const string ExporterType = "Orleans.Dashboard.Implementation.DashboardTelemetryExporter, Orleans.Dashboard";

    /// <summary>
    /// How often the dashboard samples a silo's statistics and counters unless
    /// <c>Dashboard:CounterUpdateIntervalMs</c> says otherwise: each sample asks every silo for
    /// its runtime statistics (counting its recently used activations), every second by default.
    /// </summary>
    public const int DefaultIntervalMs = 10_000;

    /// <summary>The meter the dashboard's counters come from: Orleans' own.</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    private MeterProvider? _feed;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Registered after the dashboard, so its host has started (and with it, its reader) by now.
        var dashboardHost = services.GetServices<IHostedService>().FirstOrDefault(s => s.GetType().FullName == DashboardHostType) as IDisposable;
        var exporter = Type.GetType(ExporterType) is { } type ? services.GetService(type) as BaseExporter<Metric> : null;
        if (dashboardHost is null || exporter is null)
        {
            LogNotFound(logger);
            return Task.CompletedTask;
        }
        // Disposing the host stops its reader; nothing else of the dashboard lives there.
        dashboardHost.Dispose();
        var interval = Math.Max(options.Value.CounterUpdateIntervalMs, 1000);
        _feed = Sdk.CreateMeterProviderBuilder()
            .AddMeter(OrleansMeter)
            .AddReader(new PeriodicExportingMetricReader(new KeptExporter(exporter), interval, interval))
            .Build();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _feed?.Dispose();

    /// <summary>
    /// The dashboard's exporter, which a stopped reader would dispose along with itself: the one
    /// instance belongs to the silo's services, so it is passed on but never disposed here.
    /// </summary>
    private sealed class KeptExporter(BaseExporter<Metric> exporter) : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch) => exporter.Export(batch);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Orleans Dashboard's counter reader was not found; it keeps reading every second")]
    private static partial void LogNotFound(ILogger logger);
}
