using ChatApp.Defaults;
using ChatApp.Silo.Operations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Dashboard;

// In Orleans' own namespace, like UseChatApp, so that the call reads beside the built-in ones.
namespace Orleans.Hosting;

public static class SiloOperationsExtensions
{
    /// <summary>
    /// What an operator needs from a silo: the Orleans Dashboard (every silo runs its collector,
    /// and serves the UI), metrics, health and readiness on the admin port (<see cref="AdminPortOptions"/>),
    /// and one-line console logs in the format <c>Logging:Format</c> names.
    /// </summary>
    public static ISiloBuilder UseChatOperations(this ISiloBuilder silo)
    {
        silo.Services.AddValidatedOptions<AdminPortOptions>(AdminPortOptions.Section);
        silo.Services.AddLogging(logging => logging.AddChatConsole(silo.Configuration));
        // HideTrace, CounterUpdateIntervalMs and HistoryLength may be set in the same section. The
        // dashboard's collector asks every silo for its statistics on each interval, whether or not
        // anyone has the dashboard open: every 10 s unless told otherwise, not every second.
        silo.AddDashboard(options =>
        {
            options.CounterUpdateIntervalMs = DashboardSampling.DefaultIntervalMs;
            silo.Configuration.GetSection(AdminPortOptions.Section).Bind(options);
        });

        var dashboardTypes = silo.Services
            .Where(d => d.Lifetime == ServiceLifetime.Singleton && !d.IsKeyedService && !d.ServiceType.ContainsGenericParameters
                && d.ServiceType.Assembly == typeof(DashboardOptions).Assembly)
            .Select(d => d.ServiceType)
            .Distinct()
            .ToList();
        silo.Services.AddSingleton(new SiloAdminServer.ForwardedServices(dashboardTypes));
        silo.Services.AddSingleton<SiloAdminServer>();
        silo.Services.AddHostedService(services => services.GetRequiredService<SiloAdminServer>());
        return silo;
    }
}
