using System.Collections.Concurrent;
using ChatApp.Errors;

namespace ChatApp.Gateway.Limits;

/// <summary>
/// Slows password guessing without handing the guesser a way to lock the owner out. Failures are
/// counted per (name, client address): the first few are free, then each further attempt from
/// that address for that name waits twice as long as the one before, up to a cap, and one failure
/// is forgotten for every quiet stretch of <see cref="LimitOptions.LoginFailureForgiveness"/>.
/// The owner, signing in from any other address, never meets the guesser's delays; from the same
/// address, only until the delay runs out, and a success clears the slate there.
/// </summary>
/// <remarks>
/// System.Threading.RateLimiting's limiters refill at a fixed pace, so none of them makes a wait
/// that doubles with each failure; this keeps the two numbers that takes (failures, last failure)
/// per key. The looser bound per address across names is a token bucket (<see cref="AbuseLimits"/>).
/// </remarks>
public sealed class LoginThrottle(LimitOptions options, TimeProvider time)
{
    /// <summary>Keys kept at most; past it, the forgotten ones are swept out before a new one is added.</summary>
    public const int MaxKeys = 100_000;

    private readonly ConcurrentDictionary<(string Name, string Address), Failures> _failures = new();

    private sealed record Failures(int Count, DateTimeOffset Last);

    /// <summary>How long an attempt for this name from this address must still wait, or null when it may go ahead.</summary>
    public TimeSpan? WaitNeeded(string name, string address)
    {
        if (!_failures.TryGetValue((name, address), out var failures))
        {
            return null;
        }
        var now = time.GetUtcNow();
        var count = Decayed(failures, now);
        if (count < options.LoginFailuresBeforeDelay)
        {
            return null;
        }
        var wait = failures.Last + DelayAfter(count) - now;
        return wait > TimeSpan.Zero ? wait : null;
    }

    /// <summary>Counts a wrong password for this name from this address.</summary>
    public void RecordFailure(string name, string address)
    {
        var now = time.GetUtcNow();
        if (_failures.Count >= MaxKeys && !_failures.ContainsKey((name, address)))
        {
            Sweep(now);
            if (_failures.Count >= MaxKeys)
            {
                // Memory stays bounded under a spread-out attack; the bound per address still holds.
                return;
            }
        }
        _failures.AddOrUpdate((name, address),
            _ => new Failures(1, now),
            (_, failures) => new Failures(Decayed(failures, now) + 1, now));
    }

    /// <summary>A right password from this address: whatever was counted here for the name is forgotten.</summary>
    public void RecordSuccess(string name, string address) => _failures.TryRemove((name, address), out _);

    /// <summary>The wait after the <paramref name="count"/>th failure: doubling from the first delay, capped.</summary>
    private TimeSpan DelayAfter(int count)
    {
        var doublings = Math.Min(count - options.LoginFailuresBeforeDelay, 30);
        var delay = options.LoginFirstDelay * Math.Pow(2, doublings);
        return delay < options.LoginMaxDelay ? delay : options.LoginMaxDelay;
    }

    private int Decayed(Failures failures, DateTimeOffset now)
    {
        var forgiven = (now - failures.Last) / options.LoginFailureForgiveness;
        return forgiven >= failures.Count ? 0 : failures.Count - (int)forgiven;
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, failures) in _failures)
        {
            if (Decayed(failures, now) == 0)
            {
                _failures.TryRemove(key, out _);
            }
        }
    }
}
