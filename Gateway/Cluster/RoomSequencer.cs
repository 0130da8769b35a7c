namespace ChatApp.Gateway.Cluster;

/// <summary>
/// Puts one room's live events back in seq order before they reach the sockets. Orleans does
/// not keep one-way calls in order (a burst often arrives newest first), and every socket would
/// otherwise read the log to fill what only looks like a gap. An early event is held briefly for
/// the ones before it; if they do not come, it is released anyway, and each socket's cursor
/// repairs the real gap from the log.
/// </summary>
public sealed class RoomSequencer(Action<Outbound.Event> release, TimeSpan holdFor)
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<long, Outbound.Event> _held = [];
    private readonly TaskCompletionSource _watched = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _last = -1;
    private bool _flushScheduled;

    public void Accept(Outbound.Event item)
    {
        var seq = item.RoomEvent.Seq;
        lock (_gate)
        {
            if (_last < 0 || seq == _last + 1)
            {
                Release(item);
                ReleaseConsecutive();
            }
            else if (seq > _last + 1)
            {
                _held.TryAdd(seq, item);
                if (!_flushScheduled)
                {
                    _flushScheduled = true;
                    _ = FlushLaterAsync();
                }
            }
            // seq <= _last: already released; the sockets would drop it as a duplicate anyway.
        }
    }

    private async Task FlushLaterAsync()
    {
        await Task.Delay(holdFor);
        lock (_gate)
        {
            _flushScheduled = false;
            foreach (var item in _held.Values)
            {
                Release(item);
            }
            _held.Clear();
        }
    }

    /// <summary>The highest seq passed on to the sockets so far (-1: none yet).</summary>
    public long Released
    {
        get
        {
            lock (_gate)
            {
                return _last;
            }
        }
    }

    /// <summary>Completes once the room's first follower here has had its watch answered, or failed.</summary>
    public Task Watched => _watched.Task;

    /// <summary>
    /// The first follower's watch of the room was answered: every event after
    /// <paramref name="lastRelayed"/> is on its way here (the relay said so; 0 or null when it could
    /// not). That is taken as released up to it, so that a socket admitted from that seq on reads
    /// nothing from the log, even in a room where nothing is said; once an event was released, the
    /// releases tell that already.
    /// </summary>
    public void WatchAnswered(long? lastRelayed)
    {
        lock (_gate)
        {
            if (_last < 0 && lastRelayed > 0)
            {
                _last = lastRelayed.Value;
            }
        }
        _watched.TrySetResult();
    }

    /// <summary>
    /// Runs <paramref name="admit"/> (a socket joining the room's followers) between two releases,
    /// and tells it the last seq released before (-1: none yet): every event released after
    /// reaches the new follower, so it misses only what that seq already covers.
    /// </summary>
    public void Admit(Action<long> admit)
    {
        lock (_gate)
        {
            admit(_last);
        }
    }

    private void ReleaseConsecutive()
    {
        while (_held.Remove(_last + 1, out var next))
        {
            Release(next);
        }
    }

    private void Release(Outbound.Event item)
    {
        _last = item.RoomEvent.Seq;
        release(item);
    }
}
