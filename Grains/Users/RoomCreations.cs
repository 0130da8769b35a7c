using System.Threading.RateLimiting;
using ChatApp.Errors;

namespace ChatApp.Users;

/// <summary>
/// One user's budget of one kind of new room (made by <c>join</c>, or direct): a token bucket from
/// System.Threading.RateLimiting, made on first use (most users never spend it, and each bucket
/// has a timer). It lives in the user's session, the one place that sees all of the user's
/// requests, whichever gateway they came through; a session that deactivates (offline and idle)
/// starts afresh.
/// </summary>
public sealed class RoomCreations(int burst, double perMinute, string refusal) : IDisposable
{
    private TokenBucketRateLimiter? _bucket;

    private TimeSpan Period => TimeSpan.FromMinutes(1 / perMinute);

    /// <summary>Takes one creation, or throws <c>rate_limited</c> with how long to wait.</summary>
    public void Take()
    {
        _bucket ??= new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = Period,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
        using var lease = _bucket.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            throw ChatException.RateLimited(lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : Period, refusal);
        }
    }

    public void Dispose() => _bucket?.Dispose();
}
