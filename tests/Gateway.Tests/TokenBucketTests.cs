using ChatApp.Errors;
using ChatApp.Gateway.Limits;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>A socket's frame bucket: the burst at once, then the rate, refilled when asked with no timer behind it.</summary>
public sealed class TokenBucketTests
{
    [Fact]
    public void The_burst_is_taken_at_once_and_the_next_is_refused_with_how_long_to_wait()
    {
        using var bucket = new TokenBucket(perSecond: 1, burst: 5);
        for (var i = 0; i < 5; i++)
        {
            bucket.Take("frames");
        }

        var refused = Assert.Throws<ChatException>(() => bucket.Take("frames"));
        Assert.Equal(ErrorCodes.RateLimited, refused.Code);
        Assert.InRange(refused.RetryAfterMs!.Value, 1, 1_000);
        Assert.Contains("Too many frames", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_emptied_bucket_refills_with_time_up_to_its_burst_and_no_further()
    {
        using var bucket = new TokenBucket(perSecond: 50, burst: 10);
        for (var i = 0; i < 10; i++)
        {
            bucket.Take("frames");
        }
        Assert.Throws<ChatException>(() => bucket.Take("frames"));

        // Nothing asks meanwhile: the refill is counted when the next token is asked for.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var taken = 0;
        while (taken < 100 && TryTake(bucket))
        {
            taken++;
        }
        Assert.Equal(10, taken);
    }

    private static bool TryTake(TokenBucket bucket)
    {
        try
        {
            bucket.Take("frames");
            return true;
        }
        catch (ChatException)
        {
            return false;
        }
    }
}
