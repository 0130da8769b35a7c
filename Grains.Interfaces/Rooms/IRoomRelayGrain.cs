using ChatApp.Gateways;
using ChatApp.Users;
using Orleans.Concurrency;

namespace ChatApp.Rooms;

/// <summary>
/// The fan-out point of one room (key: room id). It consumes the room's stream and hands each
/// event once to every gateway process that has members of the room connected, so a message
/// costs one notification per gateway, not one per member. Gateways hold their place by lease:
/// they renew it while they have sockets in the room, and a gateway that dies simply lapses.
/// </summary>
[Alias("ChatApp.IRoomRelayGrain")]
public interface IRoomRelayGrain : IGrainWithStringKey
{
    /// <summary>
    /// Registers or renews a gateway's observer for this room until the lease runs out. The answer
    /// says whether the relay knew the gateway (when not, the gateway may have missed events and
    /// should catch its sockets up from the log) and how far it had relayed (<see cref="WatchAnswer"/>).
    /// </summary>
    [Alias("Watch")]
    Task<WatchAnswer> Watch(IChatObserver gateway, TimeSpan lease);

    [Alias("Unwatch")]
    Task Unwatch(IChatObserver gateway);

    /// <summary>
    /// A member's presence, from their session: passed on to the watching gateways when it changes.
    /// Online members are re-announced periodically, so a relay lost with its silo learns them again.
    /// One-way calls may arrive out of order, so each carries the session's <paramref name="stamp"/>,
    /// which only grows: an older announcement than one already heard is ignored.
    /// </summary>
    [OneWay, Alias("Presence")]
    Task Presence(UserName user, bool online, long stamp);

    /// <summary>
    /// Members' presence announced together by the room, for the newcomers of a batch of joins (their
    /// sessions' stamps): each as <see cref="Presence"/>, and passed on to each gateway in one call.
    /// </summary>
    [OneWay, Alias("PresenceMany")]
    Task PresenceMany(IReadOnlyList<PresenceChange> changes);

    /// <summary>A member is typing; passed on at most once every few seconds per member.</summary>
    [OneWay, Alias("Typing")]
    Task Typing(UserName user);

    /// <summary>A member changed their profile (from their session): passed on to every watching gateway.</summary>
    [OneWay, Alias("ProfileChanged")]
    Task ProfileChanged(ProfileChange change);

    /// <summary>The seq of the last event this relay passed on (0 if none yet): how far the live path has got.</summary>
    [ReadOnly, Alias("LastRelayedSeq")]
    Task<long> LastRelayedSeq();

    /// <summary>The members online now.</summary>
    [ReadOnly, Alias("OnlineMembers")]
    Task<IReadOnlyCollection<string>> OnlineMembers();

    /// <summary>Which of <paramref name="users"/> are online now: a page of a big room costs the page.</summary>
    [ReadOnly, Alias("OnlineAmong")]
    Task<IReadOnlySet<string>> OnlineAmong(IReadOnlyList<string> users);
}
