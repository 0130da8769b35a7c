using System.Threading.RateLimiting;
using ChatApp.Errors;
using ChatApp.Rooms;

namespace ChatApp.Users;

/// <summary>
/// One user's budget of rooms made by <c>join</c>: a token bucket from System.Threading.RateLimiting,
/// made on first use (most users never create a room by joining, and each bucket has a timer).
/// It lives in the user's session, the one place that sees all of the user's joins, whichever
/// gateway they came through; a session that deactivates (offline and idle) starts afresh.
/// </summary>
public sealed class RoomCreations(RoomLimits limits) : IDisposable
{
    private TokenBucketRateLimiter? _bucket;

    /// <summary>Takes one creation, or throws <c>rate_limited</c> with how long to wait.</summary>
    public void Take()
    {
        _bucket ??= new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.JoinCreatedRoomsBurst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1 / limits.JoinCreatedRoomsPerMinute),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
        using var lease = _bucket.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1 / limits.JoinCreatedRoomsPerMinute);
            throw ChatException.RateLimited(wait, "Too many new rooms made by joining; create one with POST /api/rooms, or retry later.");
        }
    }

    public void Dispose() => _bucket?.Dispose();
}
