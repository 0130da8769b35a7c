using System.Diagnostics;
using ChatApp.Gateways;
using ChatApp.Rooms;
using ChatApp.Users;

namespace ChatApp.Tests.Grains.Support;

/// <summary>
/// Plays the part of a gateway: an <see cref="IChatObserver"/> that records what the grains push
/// to it, and lets a test wait, with a deadline, until what it recorded satisfies a condition.
/// </summary>
/// <remarks>
/// Orleans holds a client-side observer only weakly, so the test keeps this object alive for as
/// long as it expects notifications; disposing it deletes the object reference.
/// </remarks>
public sealed class RecordingGateway : IChatObserver, IDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly IClusterClient _client;
    private readonly Lock _lock = new();
    private readonly List<RoomEvent> _events = [];
    private readonly List<MembershipChange> _changes = [];
    // Presence, typing, unread, mention and sign-out notices, in arrival order.
    private readonly List<object> _notices = [];
    // Completed, and replaced, whenever something is recorded: waiters wake on news instead of polling.
    private TaskCompletionSource _recorded = NewSignal();

    public RecordingGateway(IClusterClient client)
    {
        _client = client;
        Reference = client.CreateObjectReference<IChatObserver>(this);
    }

    /// <summary>What to hand to grains: the reference through which they call this object.</summary>
    public IChatObserver Reference { get; }

    public IReadOnlyList<RoomEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    public void OnRoomEvent(RoomEvent roomEvent) => Record(() => _events.Add(roomEvent));

    public void OnRoomEvents(IReadOnlyList<RoomEvent> roomEvents) => Record(() => _events.AddRange(roomEvents));

    public void OnMembershipChanged(MembershipChange change) => Record(() => _changes.Add(change));

    public void OnPresence(PresenceChange change) => Record(() => _notices.Add(change));

    public void OnPresences(IReadOnlyList<PresenceChange> changes) => Record(() => _notices.AddRange(changes));

    public void OnTyping(TypingNotice notice) => Record(() => _notices.Add(notice));

    public void OnUnread(UnreadChange change) => Record(() => _notices.Add(change));

    public void OnProfileChanged(ProfileNotice notice) => Record(() => _notices.Add(notice));

    public void OnMention(Mention mention) => Record(() => _notices.Add(mention));

    public void OnInvited(Invitation invitation) => Record(() => _notices.Add(invitation));

    public void OnSignedOut(string user, int tokenVersion) => Record(() => _notices.Add(new SignedOut(user, tokenVersion)));

    public void OnDeviceSignedOut(string user, Guid device) => Record(() => _notices.Add((user, device)));

    /// <summary>The notices of type <typeparamref name="T"/> received so far, once <paramref name="done"/> holds for them.</summary>
    public async Task<IReadOnlyList<T>> NoticesWhenAsync<T>(Func<IReadOnlyList<T>, bool> done) =>
        (await WhenAsync(_notices, all => done([.. all.OfType<T>()]), typeof(T).Name)).OfType<T>().ToList();

    /// <summary>
    /// The presence changes about <paramref name="user"/> in <paramref name="room"/> received so far,
    /// ordered by stamp, once the newest of them says <paramref name="online"/>. They may arrive in
    /// any order (one-way calls), so the stamp, not the arrival, tells which is the latest word.
    /// </summary>
    public async Task<IReadOnlyList<PresenceChange>> PresenceWhenAsync(string room, string user, bool online)
    {
        var changes = await NoticesWhenAsync<PresenceChange>(p => Of(p).LastOrDefault()?.Online == online);
        return Of(changes);

        IReadOnlyList<PresenceChange> Of(IReadOnlyList<PresenceChange> all) =>
            [.. all.Where(c => c.Room == room && c.User == user).OrderBy(c => c.Stamp)];
    }

    /// <summary>The notices of type <typeparamref name="T"/> received so far, without waiting.</summary>
    public IReadOnlyList<T> Notices<T>()
    {
        lock (_lock)
        {
            return [.. _notices.OfType<T>()];
        }
    }

    /// <summary>The room events received so far, once <paramref name="done"/> holds for them.</summary>
    public Task<IReadOnlyList<RoomEvent>> EventsWhenAsync(Func<IReadOnlyList<RoomEvent>, bool> done) =>
        WhenAsync(_events, done, "room events");

    /// <summary>The events of <paramref name="room"/> received so far, in arrival order, once the one with <paramref name="seq"/> is among them.</summary>
    public async Task<IReadOnlyList<RoomEvent>> EventsWithAsync(string room, long seq) =>
        (await EventsWhenAsync(events => events.Any(e => e.Room == room && e.Seq == seq)))
            .Where(e => e.Room == room).ToList();

    /// <summary>The events of <paramref name="room"/> received so far, in arrival order, once every seq from 1 to <paramref name="lastSeq"/> is among them.</summary>
    public async Task<IReadOnlyList<RoomEvent>> AllEventsAsync(string room, long lastSeq) =>
        (await EventsWhenAsync(events => events.Where(e => e.Room == room).Select(e => e.Seq).Distinct().Count(s => s >= 1 && s <= lastSeq) == lastSeq))
            .Where(e => e.Room == room).ToList();

    /// <summary>Whether the event of <paramref name="room"/> with <paramref name="seq"/> has arrived.</summary>
    public bool Has(string room, long seq) => Events.Any(e => e.Room == room && e.Seq == seq);

    /// <summary>The membership changes received so far, once <paramref name="done"/> holds for them.</summary>
    public Task<IReadOnlyList<MembershipChange>> ChangesWhenAsync(Func<IReadOnlyList<MembershipChange>, bool> done) =>
        WhenAsync(_changes, done, "membership changes");

    public void Dispose() => _client.DeleteObjectReference<IChatObserver>(Reference);

    private void Record(Action add)
    {
        TaskCompletionSource recorded;
        lock (_lock)
        {
            add();
            recorded = _recorded;
            _recorded = NewSignal();
        }
        recorded.TrySetResult();
    }

    private async Task<IReadOnlyList<T>> WhenAsync<T>(List<T> source, Func<IReadOnlyList<T>, bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            List<T> seen;
            Task news;
            lock (_lock)
            {
                seen = [.. source];
                news = _recorded.Task;
            }
            if (done(seen))
            {
                return seen;
            }
            var left = Deadline - clock.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException(
                    $"The gateway did not receive the expected {what} within {Deadline}; it has {seen.Count}: {string.Join(", ", seen.TakeLast(10))}");
            }
            try
            {
                await news.WaitAsync(left);
            }
            catch (TimeoutException)
            {
                // Checked once more above, then reported with what did arrive.
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>What <see cref="RecordingGateway"/> records for <see cref="IChatObserver.OnSignedOut"/>.</summary>
public sealed record SignedOut(string User, int TokenVersion);
