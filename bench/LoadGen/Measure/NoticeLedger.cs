using System.Diagnostics;

namespace ChatApp.Bench.LoadGen.Measure;

/// <summary>
/// Ephemeral notices (presence changes, typing) by number: whose they are, of which kind, when
/// the action that causes them was taken, which sockets were owed them and which got them.
/// Presence and typing frames carry no id, so a receipt is matched to the newest notice of the
/// same user and kind that this receiver has not had yet, taken before the frame was read and
/// at most <c>matchWindow</c> earlier. Newest first, so that a notice the server dropped (typing
/// throttled) shows as that notice lost rather than shifting every later receipt onto an older
/// notice; the price is that a frame later than the user's next notice of the same kind is
/// matched to that one. Receivers and users are the load generator's member indices; latencies
/// go to <c>all</c> and, where given, to the histogram of the notice's kind.
/// </summary>
public sealed class NoticeLedger(Latency all, IReadOnlyList<Latency> byKind, Timeline timeline, TimeSpan matchWindow)
{
    private readonly Lock _gate = new();
    private readonly List<Notice> _notices = [];
    private readonly Dictionary<(int User, int Kind), List<int>> _byUser = [];
    private readonly long _window = (long)(matchWindow.TotalSeconds * Stopwatch.Frequency);
    private long _owed;
    private long _receipts;
    private long _unmatched;
    private long _released;

    /// <summary>Deliveries owed to expected receivers and not yet read.</summary>
    public long Owed
    {
        get { lock (_gate) { return _owed; } }
    }

    /// <summary>Frames matched to a notice, whether or not their receiver was owed one.</summary>
    public long Receipts
    {
        get { lock (_gate) { return _receipts; } }
    }

    /// <summary>
    /// Records a notice about to be caused at <paramref name="at"/>; <paramref name="expected"/>
    /// (one flag per member, kept) says which receivers are owed its frame.
    /// </summary>
    public int Open(int user, int kind, long at, bool[] expected)
    {
        var notice = new Notice(user, kind, at, expected, expected.Count(e => e));
        lock (_gate)
        {
            var id = _notices.Count;
            _notices.Add(notice);
            if (!_byUser.TryGetValue((user, kind), out var ids))
            {
                _byUser[(user, kind)] = ids = [];
            }
            ids.Add(id);
            _owed += notice.Expected;
            return id;
        }
    }

    /// <summary>The action failed (a hello refused, a send on a closed socket): nothing is owed for it.</summary>
    public void Void(int id)
    {
        lock (_gate)
        {
            var notice = _notices[id];
            if (!notice.Void)
            {
                notice.Void = true;
                _owed -= notice.Expected - notice.ReceivedExpected;
            }
        }
    }

    /// <summary>
    /// The receiver's socket is being closed on purpose: frames of notices caused since
    /// <paramref name="since"/> that it has not read yet are no longer owed, since the server cannot
    /// deliver to a socket that is gone (a change caused just before a cycler's close would otherwise
    /// count as lost at that cycler). Older unread ones stay owed, and lost.
    /// </summary>
    public void Leave(int receiver, long since)
    {
        lock (_gate)
        {
            foreach (var notice in _notices.Where(n => n.At >= since && n.Owed[receiver] && !n.Received[receiver]))
            {
                notice.Owed[receiver] = false;
                notice.Expected--;
                _released++;
                if (!notice.Void)
                {
                    _owed--;
                }
            }
        }
    }

    public void Receipt(int receiver, int user, int kind, long receivedAt)
    {
        lock (_gate)
        {
            var match = -1;
            if (_byUser.TryGetValue((user, kind), out var ids))
            {
                for (var i = ids.Count - 1; i >= 0; i--)
                {
                    var candidate = _notices[ids[i]];
                    if (candidate.At > receivedAt)
                    {
                        continue; // caused after this frame was read: not its notice
                    }
                    if (receivedAt - candidate.At > _window)
                    {
                        break;
                    }
                    if (!candidate.Received[receiver])
                    {
                        match = ids[i];
                        break;
                    }
                }
            }
            if (match < 0)
            {
                _unmatched++; // a repeat, or a change nobody here caused
                return;
            }
            var notice = _notices[match];
            notice.Received[receiver] = true;
            notice.Receipts++;
            _receipts++;
            if (notice.Owed[receiver])
            {
                notice.ReceivedExpected++;
                if (!notice.Void)
                {
                    _owed--;
                }
            }
            all.Record(notice.At, receivedAt);
            if (notice.Kind < byKind.Count)
            {
                byKind[notice.Kind].Record(notice.At, receivedAt);
            }
            timeline.Record(notice.At, receivedAt);
        }
    }

    /// <summary>What the notices came to; void ones are left out.</summary>
    public NoticeTally Tally()
    {
        lock (_gate)
        {
            var live = _notices.Where(n => !n.Void).ToList();
            return new NoticeTally(
                Notices: live.Count,
                Voided: _notices.Count - live.Count,
                Expected: live.Sum(n => (long)n.Expected),
                Lost: live.Sum(n => (long)(n.Expected - n.ReceivedExpected)),
                Receipts: live.Sum(n => (long)n.Receipts),
                Released: _released,
                Unmatched: _unmatched,
                Silent: live.Count(n => n.Receipts == 0),
                NoticesWithLoss: live.Count(n => n.ReceivedExpected < n.Expected));
        }
    }

    /// <summary>The first <paramref name="max"/> notices some owed receiver did not read, with those receivers, for the report.</summary>
    public IReadOnlyList<NoticeLoss> Losses(int max)
    {
        lock (_gate)
        {
            var first = _notices.Count == 0 ? 0 : _notices.Min(n => n.At);
            return [.. _notices.Where(n => !n.Void && n.ReceivedExpected < n.Expected).Take(max)
                .Select(n => new NoticeLoss(n.User, n.Kind, (double)(n.At - first) / Stopwatch.Frequency,
                    [.. Enumerable.Range(0, n.Owed.Length).Where(r => n.Owed[r] && !n.Received[r])]))];
        }
    }

    private sealed class Notice(int user, int kind, long at, bool[] owed, int expected)
    {
        public int User { get; } = user;
        public int Kind { get; } = kind;
        public long At { get; } = at;
        public bool[] Owed { get; } = owed;
        public bool[] Received { get; } = new bool[owed.Length];
        public int Expected { get; set; } = expected;
        public int ReceivedExpected;
        public int Receipts;
        public bool Void;
    }
}

/// <summary>
/// Notices counted (void ones excluded), deliveries owed and lost, frames matched (owed or not),
/// frames no longer owed because their receiver left before reading them, frames matched to no
/// notice, notices nobody got, and notices some owed receiver did not get.
/// </summary>
public sealed record NoticeTally(long Notices, long Voided, long Expected, long Lost, long Receipts, long Released, long Unmatched, long Silent, long NoticesWithLoss);

/// <summary>A notice some owed receivers did not read: whose, which kind, when (seconds after the first notice), and who missed it.</summary>
public sealed record NoticeLoss(int User, int Kind, double AtSeconds, IReadOnlyList<int> Missing);
