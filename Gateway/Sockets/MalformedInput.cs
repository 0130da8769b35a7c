using System.Threading.RateLimiting;

namespace ChatApp.Gateway.Sockets;

/// <summary>
/// Where malformed input from sockets is noted: at Debug, since a bad frame is the client's
/// mistake and not the server's, and at most a few lines a second for the whole gateway, since
/// anyone may open a socket and send garbage before saying hello. Beyond that, lines are
/// dropped and counted, and the next line that gets through says how many were.
/// </summary>
public sealed partial class MalformedInput(ILogger<MalformedInput> logger) : IDisposable
{
    private readonly TokenBucketRateLimiter _lines = new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = 20,
        TokensPerPeriod = 5,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    });

    private long _dropped;

    /// <summary>Notes that a connection sent something malformed, and why it was refused.</summary>
    public void Refused(string connectionId, string reason)
    {
        if (!logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }
        using var line = _lines.AttemptAcquire();
        if (!line.IsAcquired)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }
        LogRefused(logger, connectionId, reason, Interlocked.Exchange(ref _dropped, 0));
    }

    public void Dispose() => _lines.Dispose();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {ConnectionId} sent a malformed frame: {Reason} ({Dropped} similar lines dropped before this one)")]
    private static partial void LogRefused(ILogger logger, string connectionId, string reason, long dropped);
}
