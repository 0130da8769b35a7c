namespace ChatApp.Ordering;

/// <summary>
/// The one rule by which notices that may cross on the way are put back in order: each carries a
/// stamp that only grows at its source (a room's event seq, a session's presence stamp, a read
/// marker), and a notice no newer than one already taken for the same key is stale. One-way calls
/// are not ordered by Orleans (a call to a client goes through whichever silo it is connected to),
/// so every place that receives them keeps one of these instead of trusting arrival order.
/// </summary>
/// <remarks>Thread-safe: the gateway takes notices on many threads at once.</remarks>
public sealed class NewestStamps<TKey> where TKey : notnull
{
    private readonly Lock _gate = new();
    private readonly Dictionary<TKey, long> _newest;

    public NewestStamps(IEqualityComparer<TKey>? comparer = null) => _newest = new(comparer);

    /// <summary>True, and remembered, when <paramref name="stamp"/> is newer than every stamp taken for <paramref name="key"/>.</summary>
    public bool TryAdvance(TKey key, long stamp)
    {
        lock (_gate)
        {
            if (_newest.TryGetValue(key, out var newest) && stamp <= newest)
            {
                return false;
            }
            _newest[key] = stamp;
            return true;
        }
    }
}
