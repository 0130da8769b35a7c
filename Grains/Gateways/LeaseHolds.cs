using ChatApp.Users;
using Microsoft.Extensions.Options;

namespace ChatApp.Gateways;

/// <summary>
/// What this silo's sessions tell the gateways' lease grains, gathered per gateway. Every hello
/// attaches a session, and each session used to tell its gateway's one lease grain alone: in a
/// reconnect storm, a message and a turn of that one grain per hello, for news nobody waits on
/// (it matters only if the gateway dies). A change goes at once when nothing went to that
/// gateway's lease within <see cref="PresenceOptions.LeaseChangeInterval"/>; otherwise it waits out
/// the rest of the interval, and everything that came meanwhile goes in one call.
/// </summary>
public sealed class LeaseHolds
{
    private readonly Action<IChatObserver, IReadOnlyList<LeaseChange>, TimeSpan> _send;
    private readonly TimeProvider _time;
    private readonly long _interval;
    private readonly Lock _lock = new();
    private readonly Dictionary<IChatObserver, Pending> _pending = [];
    private long _calls;

    public LeaseHolds(IGrainFactory grains, IOptions<PresenceOptions> options, TimeProvider time)
        : this((gateway, changes, lease) => grains.LeaseOf(gateway).Apply(gateway, changes, lease).Ignore(), options.Value.LeaseChangeInterval, time)
    {
    }

    /// <param name="send">Sends one gateway's changes, in order, with the longest lease among them (zero: releases only).</param>
    public LeaseHolds(Action<IChatObserver, IReadOnlyList<LeaseChange>, TimeSpan> send, TimeSpan interval, TimeProvider time)
    {
        _send = send;
        _time = time;
        _interval = (long)(interval.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>Calls made to lease grains so far: fewer than the changes when they shared calls.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>The session is held through the gateway: detached if the gateway's lease lapses. Extends that lease.</summary>
    public void Hold(IChatObserver gateway, IUserSessionGrain session, TimeSpan lease) => Add(gateway, new LeaseChange(session, Held: true), lease);

    /// <summary>The gateway no longer holds the session.</summary>
    public void Release(IChatObserver gateway, IUserSessionGrain session) => Add(gateway, new LeaseChange(session, Held: false), TimeSpan.Zero);

    private void Add(IChatObserver gateway, LeaseChange change, TimeSpan lease)
    {
        TimeSpan? wait = null;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            ForgetQuietGateways(now);
            if (!_pending.TryGetValue(gateway, out var pending))
            {
                _pending[gateway] = pending = new Pending { LastSent = now - _interval };
            }
            pending.Changes.Add(change);
            pending.Lease = lease > pending.Lease ? lease : pending.Lease;
            if (!pending.Scheduled)
            {
                pending.Scheduled = true;
                wait = _time.GetElapsedTime(now, Math.Max(now, pending.LastSent + _interval));
            }
        }
        if (wait is { } due)
        {
            _ = SendAfterAsync(gateway, due);
        }
    }

    private async Task SendAfterAsync(IChatObserver gateway, TimeSpan due)
    {
        if (due > TimeSpan.Zero)
        {
            // Not on the scheduler of the session that started the wait: it may be busy, or gone.
            await Task.Delay(due, _time).ConfigureAwait(false);
        }
        List<LeaseChange> changes;
        TimeSpan lease;
        lock (_lock)
        {
            var pending = _pending[gateway];
            (changes, lease) = (pending.Changes, pending.Lease);
            pending.Changes = [];
            pending.Lease = TimeSpan.Zero;
            pending.Scheduled = false;
            pending.LastSent = _time.GetTimestamp();
        }
        Interlocked.Increment(ref _calls);
        _send(gateway, changes, lease);
    }

    /// <summary>A gateway that sent nothing for an interval paces nothing: its entry goes (a restarted gateway is a new one).</summary>
    private void ForgetQuietGateways(long now)
    {
        foreach (var (gateway, pending) in _pending)
        {
            if (!pending.Scheduled && now - pending.LastSent >= _interval)
            {
                _pending.Remove(gateway);
            }
        }
    }

    private sealed class Pending
    {
        public List<LeaseChange> Changes { get; set; } = [];
        public TimeSpan Lease { get; set; }
        public bool Scheduled { get; set; }
        public long LastSent { get; set; }
    }
}
