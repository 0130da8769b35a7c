using Microsoft.Extensions.Options;

namespace ChatApp.Gateway.Realtime;

/// <summary>
/// Renews the hub's leases on a timer, for as long as the gateway runs, and at once when a silo
/// goes away: the room relays and user sessions that lived there come back elsewhere knowing no
/// gateway, and until this one renews its leases on them its sockets hear nothing live.
/// </summary>
public sealed partial class LeaseRenewal(ConnectionHub hub, IOptions<ChatSocketOptions> options, ILogger<LeaseRenewal> logger)
    : BackgroundService
{
    // After a loss, renewal is retried this often until it succeeds everywhere: the lost silo's grains
    // answer again only once the cluster has declared it dead, a few seconds later (docs/deploy.md).
    private static readonly TimeSpan RetryAfterLoss = TimeSpan.FromSeconds(1);
    private const int RetriesAfterLoss = 30;
    private readonly SemaphoreSlim _siloLost = new(0, 1);

    /// <summary>The cluster client lost its connection to a silo: renew now rather than at the next tick.</summary>
    public void OnSiloLost()
    {
        try
        {
            _siloLost.Release();
        }
        catch (SemaphoreFullException)
        {
            // A renewal is already due.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!await _siloLost.WaitAsync(options.Value.LeaseRenewInterval, stoppingToken))
            {
                await RenewAsync(stoppingToken);
                continue;
            }
            for (var attempt = 0; attempt < RetriesAfterLoss && !await RenewAsync(stoppingToken); attempt++)
            {
                await Task.Delay(RetryAfterLoss, stoppingToken);
            }
        }
    }

    private async Task<bool> RenewAsync(CancellationToken stoppingToken)
    {
        try
        {
            await hub.RenewLeasesAsync(stoppingToken);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogRenewalFailed(logger, ex);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease renewal failed; retrying")]
    private static partial void LogRenewalFailed(ILogger logger, Exception ex);
}
