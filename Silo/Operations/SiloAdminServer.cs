using System.Net;
using ChatApp.Defaults;
using ChatApp.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Dashboard;

namespace ChatApp.Silo.Operations;

/// <summary>
/// The silo's admin HTTP listener: the Orleans Dashboard at /, Prometheus metrics at /metrics,
/// liveness at /healthz and readiness at /readyz. It is a small web app of its own beside the
/// silo (the silo itself stays a plain host), borrowing the silo's services it needs: the
/// dashboard's, the database, the membership view and the logger factory.
/// </summary>
/// <remarks>
/// It starts before the silo (so probes see "not ready" while the silo joins) and stops after it
/// (so they see "not ready" while it hands its grains over). A port already taken costs the admin
/// listener, not the silo: the error is logged and the silo runs on without it.
/// </remarks>
public sealed partial class SiloAdminServer(
    IServiceProvider silo,
    IOptions<AdminPortOptions> options,
    SiloAdminServer.ForwardedServices forwarded,
    ILogger<SiloAdminServer> logger) : IHostedLifecycleService, IAsyncDisposable
{
    /// <summary>The dashboard's own service types, registered in the silo and served from it.</summary>
    public sealed record ForwardedServices(IReadOnlyList<Type> Types);

    private readonly AdminPortOptions _settings = options.Value;
    private WebApplication? _app;

    /// <summary>Where the listener answers, once started (its port may have been chosen by the system).</summary>
    public Uri? Url { get; private set; }

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (!_settings.IsLoopbackOnly && !_settings.HasCredentials)
        {
            LogOpenWithoutCredentials(logger, _settings.Host);
        }
        var app = Build();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            LogCannotListen(logger, _settings.Host, _settings.Port, ex.Message);
            await app.DisposeAsync();
            return;
        }
        _app = app;
        var port = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            .Select(a => new Uri(a).Port).FirstOrDefault() ?? _settings.Port;
        Url = new Uri(_settings.Url(port));
        LogListening(logger, Url);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app)
        {
            await app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _app, null) is { } app)
        {
            await app.DisposeAsync();
        }
    }

    private WebApplication Build()
    {
        // No args and no configuration of its own: everything it needs is in the settings.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (_settings.IsAnyAddress)
            {
                kestrel.ListenAnyIP(_settings.Port);
            }
            else if (_settings.Host == "localhost")
            {
                kestrel.ListenLocalhost(_settings.Port);
            }
            else
            {
                kestrel.Listen(IPAddress.Parse(_settings.Host), _settings.Port);
            }
        });
        // Its log lines go where the silo's go, in the silo's format; Ctrl-C is the silo's business.
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(silo.GetRequiredService<ILoggerFactory>());
        builder.Services.AddSingleton<IHostLifetime, BorrowedLifetime>();

        foreach (var type in forwarded.Types)
        {
            builder.Services.AddSingleton(type, _ => silo.GetRequiredService(type));
        }
        builder.Services.AddSingleton(silo.GetRequiredService<IOptions<DashboardOptions>>());
        builder.Services.AddSingleton(_settings);

        builder.Services.AddHealthChecks()
            .AddNpgSql(_ => silo.GetRequiredService<NpgsqlDataSource>(), tags: [HealthAndMetrics.Ready], timeout: TimeSpan.FromSeconds(3))
            .AddCheck("silo", new SiloActiveCheck(silo.GetRequiredService<ILocalSiloDetails>(), silo.GetRequiredService<IClusterMembershipService>()), tags: [HealthAndMetrics.Ready]);

        // Meters are process-wide and found by name, so this provider sees the silo's instruments too.
        var local = silo.GetRequiredService<ILocalSiloDetails>();
        builder.Services.AddChatMetrics("chatapp-silo", ChatMetrics.MeterName, instanceId: local.SiloAddress.ToParsableString());

        var app = builder.Build();
        app.UseMiddleware<AdminGate>();
        app.MapHealthAndMetrics();
        app.MapOrleansDashboard();
        return app;
    }

    /// <summary>The admin app lives and dies with the silo's host, which owns the process's signals.</summary>
    private sealed class BorrowedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo admin (dashboard, /metrics, /healthz, /readyz) at {Url}")]
    private static partial void LogListening(ILogger logger, Uri url);

    [LoggerMessage(Level = LogLevel.Error, Message = "The silo admin listener cannot listen on {Host}:{Port} ({Reason}); the silo runs without dashboard, metrics and health endpoints. Give each silo on a host its own Dashboard:Port")]
    private static partial void LogCannotListen(ILogger logger, string host, int port, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The silo admin listener is bound to {Host} without Dashboard:Username/Password: only local clients may see the dashboard and metrics")]
    private static partial void LogOpenWithoutCredentials(ILogger logger, string host);
}
