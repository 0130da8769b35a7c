namespace ChatApp.Gateways;

/// <summary>
/// Gateway observers held by lease. A gateway renews its lease while it has sockets that need
/// the grain; one that crashes stops renewing and drops out by itself, so no observer is kept
/// forever and nothing depends on a gateway saying goodbye.
/// </summary>
public sealed class ObserverLeases(TimeProvider time)
{
    private readonly Dictionary<IChatObserver, DateTimeOffset> _expiries = [];

    /// <summary>Starts or extends a lease; true when the observer already held a running one.</summary>
    public bool Renew(IChatObserver observer, TimeSpan lease)
    {
        var now = time.GetUtcNow();
        var held = _expiries.TryGetValue(observer, out var expiry) && expiry > now;
        _expiries[observer] = now + lease;
        return held;
    }

    public void Remove(IChatObserver observer) => _expiries.Remove(observer);

    /// <summary>How long until the last running lease ends (zero if none runs).</summary>
    public TimeSpan LongestRemaining
    {
        get
        {
            var now = time.GetUtcNow();
            return _expiries.Values.Select(expiry => expiry - now).DefaultIfEmpty(TimeSpan.Zero).Max() is var left && left > TimeSpan.Zero
                ? left
                : TimeSpan.Zero;
        }
    }

    /// <summary>The observers whose lease still runs, forgetting the rest.</summary>
    public IReadOnlyList<IChatObserver> Live()
    {
        var now = time.GetUtcNow();
        var lapsed = _expiries.Where(e => e.Value <= now).Select(e => e.Key).ToList();
        foreach (var observer in lapsed)
        {
            _expiries.Remove(observer);
        }
        return [.. _expiries.Keys];
    }
}
