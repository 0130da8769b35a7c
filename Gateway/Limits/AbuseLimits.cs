using ChatApp.Errors;
using ChatApp.Gateway.Observability;
using Microsoft.Extensions.Options;

namespace ChatApp.Gateway.Limits;

/// <summary>
/// The gateway's shared limiters: per user for messages and failed logins, per socket for frames.
/// Each is one partitioned limiter for all keys, so a hundred thousand sockets share one timer.
/// </summary>
public sealed class AbuseLimits(IOptions<LimitOptions> options, GatewayMetrics metrics) : IDisposable
{
    private readonly TokenBuckets _messages = new(options.Value.MessagesPerSecond, options.Value.MessageBurst);
    private readonly TokenBuckets _frames = new(options.Value.FramesPerSecond, options.Value.FrameBurst);
    private readonly TokenBuckets _loginFailures = new(
        1 / options.Value.LoginFailureForgiveness.TotalSeconds, options.Value.LoginFailuresPerUser);

    public LimitOptions Options => options.Value;

    /// <summary>Counts a send, edit or delete of the user, over WebSocket and HTTP alike.</summary>
    public void TakeMessage(string user) => Take(_messages, user, "messages");

    /// <summary>Refuses a login for a name that failed too often lately, before the password is even checked.</summary>
    public void CheckLogin(string user)
    {
        if (_loginFailures.WaitNeeded(user) is { } wait)
        {
            metrics.RateLimited("logins");
            throw ChatException.RateLimited(wait, "Too many failed logins for this user; retry later.");
        }
    }

    public void RecordLoginFailure(string user)
    {
        try
        {
            _loginFailures.Take(user, "failed logins");
        }
        catch (ChatException)
        {
            // Already at the limit: the next attempt is refused by CheckLogin.
        }
    }

    /// <summary>Counts one frame of a socket, whatever its kind.</summary>
    public void TakeFrame(string connectionId) => Take(_frames, connectionId, "frames");

    /// <summary>Takes a token; a refusal is counted in the metrics under the limit's name, then thrown.</summary>
    private void Take(TokenBuckets buckets, string key, string limit)
    {
        try
        {
            buckets.Take(key, limit);
        }
        catch (ChatException ex) when (ex.Code == ErrorCodes.RateLimited)
        {
            metrics.RateLimited(limit);
            throw;
        }
    }

    public void Dispose()
    {
        _messages.Dispose();
        _frames.Dispose();
        _loginFailures.Dispose();
    }
}
