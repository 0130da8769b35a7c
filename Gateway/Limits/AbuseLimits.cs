using ChatApp.Errors;
using ChatApp.Gateway.Observability;
using Microsoft.Extensions.Options;

namespace ChatApp.Gateway.Limits;

/// <summary>
/// The gateway's limiters: per user for messages and wrong current passwords, per (name, address)
/// and per address for failed logins, each one partitioned limiter for all keys (one timer, which
/// walks the keys in use); and per socket for frames, a bucket each socket keeps
/// (<see cref="NewFrameBucket"/>), which costs nothing while the socket is quiet.
/// </summary>
public sealed class AbuseLimits(IOptions<LimitOptions> options, GatewayMetrics metrics, TimeProvider time) : IDisposable
{
    private readonly TokenBuckets _messages = new(options.Value.MessagesPerSecond, options.Value.MessageBurst);
    private readonly TokenBuckets _reactions = new(options.Value.ReactionsPerSecond, options.Value.ReactionBurst);
    private readonly TokenBuckets _searches = new(options.Value.SearchesPerSecond, options.Value.SearchBurst);
    private readonly TokenBuckets _historyReads = new(options.Value.HistoryReadsPerSecond, options.Value.HistoryReadBurst);
    private readonly LoginThrottle _loginFailures = new(options.Value, time);
    private readonly TokenBuckets _addressLoginFailures = new(
        options.Value.LoginFailuresPerAddressPerHour / 3600.0, options.Value.LoginFailuresPerAddressPerHour);
    private readonly TokenBuckets _passwordChangeFailures = new(1 / 60.0, options.Value.PasswordChangeFailuresPerUser);
    private readonly TokenBuckets _authCalls = new(options.Value.AuthCallsPerAddressPerMinute / 60.0, options.Value.AuthCallsPerAddressPerMinute);

    public LimitOptions Options => options.Value;

    /// <summary>Counts a send, edit or delete of the user, over WebSocket and HTTP alike.</summary>
    public void TakeMessage(string user) => Take(_messages, user, "messages");

    /// <summary>Counts a react or unreact of the user: a bucket of its own, so that reacting never uses up sending.</summary>
    public void TakeReaction(string user) => Take(_reactions, user, "reactions");

    /// <summary>Counts a search of the user.</summary>
    public void TakeSearch(string user) => Take(_searches, user, "searches");

    /// <summary>Counts a history page read by the user, over WebSocket and HTTP alike.</summary>
    public void TakeHistoryRead(string user) => Take(_historyReads, user, "history_reads", "history reads");

    /// <summary>
    /// Refuses a login, before the password is even checked, for a name that failed too often
    /// lately from this address, or from an address that failed too often whatever the names.
    /// </summary>
    public void CheckLogin(string user, string address)
    {
        if (_loginFailures.WaitNeeded(user, address) is { } wait)
        {
            metrics.RateLimited("logins");
            throw ChatException.RateLimited(wait, "Too many failed logins for this user from this address; retry later.");
        }
        if (_addressLoginFailures.WaitNeeded(address) is { } addressWait)
        {
            metrics.RateLimited("logins");
            throw ChatException.RateLimited(addressWait, "Too many failed logins from this address; retry later.");
        }
    }

    public void RecordLoginFailure(string user, string address)
    {
        _loginFailures.RecordFailure(user, address);
        TakeQuietly(_addressLoginFailures, address);
    }

    public void RecordLoginSuccess(string user, string address) => _loginFailures.RecordSuccess(user, address);

    /// <summary>
    /// Refuses a password change of a user whose token was used to guess the current password too
    /// often lately. Only a holder of the user's token can fill this bucket, so it locks out no one else.
    /// </summary>
    public void CheckPasswordChange(string user)
    {
        if (_passwordChangeFailures.WaitNeeded(user) is { } wait)
        {
            metrics.RateLimited("password_changes");
            throw ChatException.RateLimited(wait, "Too many wrong current passwords; retry later.");
        }
    }

    public void RecordPasswordChangeFailure(string user) => TakeQuietly(_passwordChangeFailures, user);

    /// <summary>Counts a failure in a bucket that only counts failures; an empty bucket is refused by the check before.</summary>
    private static void TakeQuietly(TokenBuckets buckets, string key)
    {
        try
        {
            buckets.Take(key, "failures");
        }
        catch (ChatException)
        {
            // Already at the limit: the next attempt is refused by its check.
        }
    }

    /// <summary>Counts a login, register or refresh call from the client address, whatever its outcome.</summary>
    public void TakeAuthCall(string address) => Take(_authCalls, address, "auth_calls", "attempts from this address");

    /// <summary>
    /// A socket's own frame bucket. Shared by socket id, every socket that sent a frame in the last
    /// ten seconds or so (a browser pings every 25 s) was a key the partitioned limiter walked ten
    /// times a second: 1.5 % of a core per 10,000 such sockets, where a bucket refilled when
    /// asked costs nothing between frames (bench/README.md, "A socket's frame bucket").
    /// </summary>
    public TokenBucket NewFrameBucket() => new(options.Value.FramesPerSecond, options.Value.FrameBurst);

    /// <summary>Counts one frame of a socket, whatever its kind, in the socket's bucket.</summary>
    public void TakeFrame(TokenBucket socketFrames)
    {
        try
        {
            socketFrames.Take("frames");
        }
        catch (ChatException ex) when (ex.Code == ErrorCodes.RateLimited)
        {
            metrics.RateLimited("frames");
            throw;
        }
    }

    /// <summary>Takes a token; a refusal is counted in the metrics under the limit's name, then thrown saying "Too many <paramref name="what"/>".</summary>
    private void Take(TokenBuckets buckets, string key, string limit, string? what = null)
    {
        try
        {
            buckets.Take(key, what ?? limit);
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
        _reactions.Dispose();
        _searches.Dispose();
        _historyReads.Dispose();
        _addressLoginFailures.Dispose();
        _passwordChangeFailures.Dispose();
        _authCalls.Dispose();
    }
}
