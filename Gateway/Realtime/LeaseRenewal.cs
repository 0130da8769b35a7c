using Microsoft.Extensions.Options;

namespace ChatApp.Gateway.Realtime;

/// <summary>Renews the hub's leases on a timer, for as long as the gateway runs.</summary>
public sealed partial class LeaseRenewal(ConnectionHub hub, IOptions<ChatSocketOptions> options, ILogger<LeaseRenewal> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.LeaseRenewInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await hub.RenewLeasesAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogRenewalFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease renewal failed; retrying at the next tick")]
    private static partial void LogRenewalFailed(ILogger logger, Exception ex);
}
