using ChatApp.Gateways;
using ChatApp.Ordering;
using ChatApp.Users;
using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace ChatApp.Rooms;

/// <summary>
/// Consumes a room's stream (an implicit subscription: Orleans activates it on the first event)
/// and passes each event to the gateways watching the room. The observer calls are one-way,
/// so a slow or dead gateway costs the room nothing.
/// </summary>
/// <remarks>
/// Activated where first asked. When that is its stream's pulling agent (an event came before any
/// gateway watched), every event then reaches the relay without leaving the agent's silo; a relay
/// first asked by a gateway's watch is placed on any silo, as without the attribute.
/// </remarks>
[ImplicitStreamSubscription(ChatStreams.RoomNamespace)]
[PreferLocalPlacement]
public sealed partial class RoomRelayGrain(TimeProvider time, ILogger<RoomRelayGrain> logger)
    : Grain, IRoomRelayGrain, IStreamSubscriptionObserver, IAsyncBatchObserver<RoomEvent>
{
    /// <summary>At most one typing notice per member in this long.</summary>
    public static readonly TimeSpan TypingInterval = TimeSpan.FromSeconds(3);

    private readonly ObserverLeases _gateways = new(time);
    // Until a session says otherwise: sessions announce every change, and a relay that comes back
    // after its silo died relearns the rest from the sessions its gateways ask (RefreshPresence).
    private readonly HashSet<string> _online = new(StringComparer.Ordinal);
    // The newest presence stamp heard per member, kept after they go offline to refuse an older "online".
    private readonly NewestStamps<string> _presenceStamps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _lastTyping = new(StringComparer.Ordinal);
    private long _lastRelayed;

    public Task<WatchAnswer> Watch(IChatObserver gateway, TimeSpan lease)
    {
        var known = _gateways.Renew(gateway, lease);
        // Registrations live in memory only: stay active while any lease we granted runs. Each call
        // replaces the last, so a gateway's short lease must not cut another's long one short.
        this.DelayDeactivation(_gateways.LongestRemaining);
        return Task.FromResult(new WatchAnswer(IsNew: !known, _lastRelayed));
    }

    public Task Unwatch(IChatObserver gateway)
    {
        _gateways.Remove(gateway);
        return Task.CompletedTask;
    }

    public Task Presence(UserName user, bool online, long stamp)
    {
        if (Changes(user, online, stamp))
        {
            var change = new PresenceChange(this.GetPrimaryKeyString(), user, online, stamp);
            foreach (var gateway in _gateways.Live())
            {
                gateway.OnPresence(change);
            }
        }
        return Task.CompletedTask;
    }

    public Task PresenceMany(IReadOnlyList<PresenceChange> changes)
    {
        var passed = changes.Where(c => Changes(c.User, c.Online, c.Stamp)).ToList();
        if (passed.Count > 0)
        {
            foreach (var gateway in _gateways.Live())
            {
                gateway.OnPresences(passed);
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>Records a member's announced presence; true when it changes what the room's followers were told.</summary>
    private bool Changes(string user, bool online, long stamp)
    {
        if (!_presenceStamps.TryAdvance(user, stamp))
        {
            return false; // overtaken by a newer announcement
        }
        return online ? _online.Add(user) : _online.Remove(user);
    }

    public Task Typing(UserName user)
    {
        var now = time.GetUtcNow();
        if (_lastTyping.TryGetValue(user, out var last) && now - last < TypingInterval)
        {
            return Task.CompletedTask;
        }
        _lastTyping[user] = now;
        var notice = new TypingNotice(this.GetPrimaryKeyString(), user);
        foreach (var gateway in _gateways.Live())
        {
            gateway.OnTyping(notice);
        }
        return Task.CompletedTask;
    }

    public Task ProfileChanged(ProfileChange change)
    {
        var notice = new ProfileNotice(this.GetPrimaryKeyString(), change);
        foreach (var gateway in _gateways.Live())
        {
            gateway.OnProfileChanged(notice);
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyCollection<string>> OnlineMembers()
    {
        return Task.FromResult<IReadOnlyCollection<string>>(_online.ToHashSet(StringComparer.Ordinal));
    }

    public Task<IReadOnlySet<string>> OnlineAmong(IReadOnlyList<string> users)
    {
        return Task.FromResult<IReadOnlySet<string>>(users.Where(_online.Contains).ToHashSet(StringComparer.Ordinal));
    }

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<RoomEvent>().ResumeAsync(this);

    public Task<long> LastRelayedSeq() => Task.FromResult(_lastRelayed);

    public Task OnNextAsync(IList<SequentialItem<RoomEvent>> items)
    {
        if (items.Count == 0)
        {
            return Task.CompletedTask;
        }
        var events = items.Select(i => i.Item).ToList();
        _lastRelayed = Math.Max(_lastRelayed, events.Max(e => e.Seq));
        foreach (var gateway in _gateways.Live())
        {
            if (events.Count == 1)
            {
                gateway.OnRoomEvent(events[0]);
            }
            else
            {
                gateway.OnRoomEvents(events);
            }
        }
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex)
    {
        LogStreamError(logger, ex, this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stream of room {Room} reported an error")]
    private static partial void LogStreamError(ILogger logger, Exception ex, string room);
}
