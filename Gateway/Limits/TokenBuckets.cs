using System.Threading.RateLimiting;
using ChatApp.Errors;

namespace ChatApp.Gateway.Limits;

/// <summary>
/// One token bucket per key (a user, a socket), from System.Threading.RateLimiting. A refusal
/// becomes the contract's <c>rate_limited</c> error carrying how long to wait.
/// </summary>
public sealed class TokenBuckets(double perSecond, int burst) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => Options(perSecond, burst, autoReplenishment: true)));

    /// <summary>A bucket of <paramref name="burst"/> tokens refilled at <paramref name="perSecond"/>, in tenths of a second.</summary>
    public static TokenBucketRateLimiterOptions Options(double perSecond, int burst, bool autoReplenishment) => new()
    {
        TokenLimit = burst,
        TokensPerPeriod = Math.Max(1, (int)Math.Round(perSecond / 10)),
        ReplenishmentPeriod = TimeSpan.FromSeconds(Math.Max(1, (int)Math.Round(perSecond / 10)) / perSecond),
        QueueLimit = 0,
        AutoReplenishment = autoReplenishment,
    };

    /// <summary>Takes one token or throws rate_limited; nothing of the refused request is done.</summary>
    public void Take(string key, string what)
    {
        using var lease = _limiter.AttemptAcquire(key);
        ThrowIfRefused(lease, what);
    }

    /// <summary>A refusal becomes the contract's rate_limited error, with how long to wait.</summary>
    public static void ThrowIfRefused(RateLimitLease lease, string what)
    {
        if (!lease.IsAcquired)
        {
            var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
            throw ChatException.RateLimited(wait, $"Too many {what}; retry later.");
        }
    }

    /// <summary>
    /// Null while a whole token is left, without taking it (for limits that count only failures);
    /// otherwise about how long until one is. (Acquiring zero permits would succeed on a fraction
    /// of a token, since the bucket refills continuously.)
    /// </summary>
    public TimeSpan? WaitNeeded(string key)
    {
        var available = _limiter.GetStatistics(key)?.CurrentAvailablePermits ?? burst;
        return available >= 1 ? null : TimeSpan.FromSeconds(1 / perSecond);
    }

    public void Dispose() => _limiter.Dispose();
}
