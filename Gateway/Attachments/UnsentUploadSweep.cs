using Microsoft.Extensions.Options;

namespace ChatApp.Gateway.Attachments;

/// <summary>
/// Deletes the uploads no message carried within <see cref="AttachmentOptions.UnsentLifetime"/>,
/// once an hour (or sooner when the lifetime is shorter), so that a message never sent does not
/// hold its uploader's and its room's quota for good. Every gateway sweeps; the delete is the same
/// whoever runs it.
/// </summary>
public sealed partial class UnsentUploadSweep(IAttachmentStore store, IOptions<AttachmentOptions> options, TimeProvider time, ILogger<UnsentUploadSweep> logger)
    : BackgroundService
{
    /// <summary>Deletes what has expired by now; returns how many uploads went.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var deleted = await store.DeleteUnsent((time.GetUtcNow() - options.Value.UnsentLifetime).UtcDateTime, cancellationToken);
        if (deleted > 0)
        {
            LogSwept(logger, deleted, options.Value.UnsentLifetime);
        }
        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromTicks(Math.Min(TimeSpan.FromHours(1).Ticks, options.Value.UnsentLifetime.Ticks));
        using var tick = new PeriodicTimer(every, time);
        while (await tick.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSweepFailed(logger, ex); // the database is out of reach: the next tick tries again
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} uploads that no message carried within {Lifetime}")]
    private static partial void LogSwept(ILogger logger, int count, TimeSpan lifetime);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleting expired unsent uploads failed; the next sweep tries again")]
    private static partial void LogSweepFailed(ILogger logger, Exception ex);
}
