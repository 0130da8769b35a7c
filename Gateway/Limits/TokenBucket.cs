using System.Threading.RateLimiting;
using ChatApp.Errors;

namespace ChatApp.Gateway.Limits;

/// <summary>
/// One token bucket, refilled when a token is asked for (for the time since the last ask) instead
/// of by a timer: a bucket that nobody uses costs nothing. For what belongs to one owner and lives
/// with it, a socket's frames; buckets shared by key (a user's, an address's) are
/// <see cref="TokenBuckets"/>, whose partitioned limiter walks every live key ten times a second.
/// </summary>
public sealed class TokenBucket(double perSecond, int burst) : IDisposable
{
    private readonly TokenBucketRateLimiter _limiter = new(TokenBuckets.Options(perSecond, burst, autoReplenishment: false));

    /// <summary>Takes one token or throws rate_limited; nothing of the refused request is done.</summary>
    public void Take(string what)
    {
        _limiter.TryReplenish();
        using var lease = _limiter.AttemptAcquire();
        TokenBuckets.ThrowIfRefused(lease, what);
    }

    public void Dispose() => _limiter.Dispose();
}
