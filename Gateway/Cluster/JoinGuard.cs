namespace ChatApp.Gateway.Cluster;

/// <summary>
/// The joins being handled on this gateway, by (user, room). While one runs, follows "from now"
/// (a membership notice, a lease renewal) leave the user's sockets alone: they could start past
/// the seq the join reply shows, and the joiner would silently miss the events between. The
/// join's handler alone decides where the user's sockets start.
/// </summary>
public sealed class JoinGuard
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string User, string Room), int> _joining = [];

    /// <summary>Marks a join of the room by the user as being handled here until disposed.</summary>
    public IDisposable Begin(string user, string room)
    {
        var key = (user, room);
        lock (_gate)
        {
            _joining[key] = _joining.GetValueOrDefault(key) + 1;
        }
        return new JoinInProgress(this, key);
    }

    public bool IsJoiningHere(string user, string room)
    {
        lock (_gate)
        {
            return _joining.ContainsKey((user, room));
        }
    }

    private void End((string User, string Room) key)
    {
        lock (_gate)
        {
            if (--_joining[key] == 0)
            {
                _joining.Remove(key);
            }
        }
    }

    private sealed class JoinInProgress(JoinGuard guard, (string User, string Room) key) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                guard.End(key);
            }
        }
    }
}
