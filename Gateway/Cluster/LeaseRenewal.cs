using System.Diagnostics;
using ChatApp.Gateways;
using Microsoft.Extensions.Options;

namespace ChatApp.Gateway.Cluster;

/// <summary>
/// Renews the hub's leases on a timer, for as long as the gateway runs, and at once when a silo
/// leaves the cluster (declared dead, or stopped): the room relays and user sessions that lived
/// there come back elsewhere knowing no gateway, and until this one renews its leases on them its
/// sockets hear nothing live. Renewing tells each new relay about this gateway, and the sockets
/// following its room fill what they missed from the log. Each renewal also checks every open
/// socket's token (<see cref="SocketRevalidation"/>) and whether the users following each room
/// still belong to it (ConnectionHub.Membership.cs), so that a lost notice costs at most one
/// <see cref="FanOutOptions.LeaseRenewInterval"/>.
/// </summary>
public sealed partial class LeaseRenewal(ConnectionHub hub, SocketRevalidation revalidation, IClusterClient cluster, IOptions<FanOutOptions> options, ILogger<LeaseRenewal> logger)
    : BackgroundService
{
    // How often the set of active silos is read: one small call to the cluster, answered from a
    // silo's memory (IClusterViewGrain), not from the membership table.
    private static readonly TimeSpan SiloCheckInterval = TimeSpan.FromSeconds(1);

    // After a silo left, renewal is retried at every check until it succeeds everywhere, this many times at most.
    private const int RetriesAfterLoss = 30;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var tick = new PeriodicTimer(SiloCheckInterval);
        var due = Stopwatch.GetTimestamp();
        HashSet<SiloAddress>? silos = null;
        var retries = 0;
        while (await tick.WaitForNextTickAsync(stoppingToken))
        {
            if (await ActiveSilosAsync(stoppingToken) is { } active)
            {
                if (silos is not null && !silos.IsSubsetOf(active))
                {
                    LogSiloLeft(logger, string.Join(", ", silos.Except(active)));
                    retries = RetriesAfterLoss;
                }
                silos = active;
            }
            if (retries == 0 && Stopwatch.GetElapsedTime(due) < options.Value.LeaseRenewInterval)
            {
                continue;
            }
            due = Stopwatch.GetTimestamp();
            // Sessions are attached again only after a silo left: they hold this gateway until its lease lapses.
            retries = await RenewAsync(sessions: retries > 0, stoppingToken) ? 0 : Math.Max(retries - 1, 0);
        }
    }

    private async Task<HashSet<SiloAddress>?> ActiveSilosAsync(CancellationToken stoppingToken)
    {
        try
        {
            return [.. await cluster.GetGrain<IClusterViewGrain>(0).ActiveSilos().WaitAsync(SiloCheckInterval * 3, stoppingToken)];
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            return null; // the cluster cannot be asked now; the next check will
        }
    }

    private async Task<bool> RenewAsync(bool sessions, CancellationToken stoppingToken)
    {
        try
        {
            // Tokens first: a socket whose token expired or was revoked stops here, whatever else fails.
            await revalidation.CloseInvalidAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogRevalidationFailed(logger, ex);
        }
        try
        {
            await hub.RenewLeasesAsync(sessions, stoppingToken);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogRenewalFailed(logger, ex);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Silos {Silos} left the cluster; renewing leases now")]
    private static partial void LogSiloLeft(ILogger logger, string silos);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking the open sockets' tokens failed; the next renewal checks again")]
    private static partial void LogRevalidationFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease renewal failed; retrying")]
    private static partial void LogRenewalFailed(ILogger logger, Exception ex);
}
