namespace ChatApp.Users;

/// <summary>How presence is kept (configuration section "Presence").</summary>
public sealed class PresenceOptions
{
    /// <summary>
    /// How often each gateway's lease grain checks whether its gateway stopped renewing. A user
    /// whose gateway died without a word goes offline within one lease plus one tick. One timer
    /// per gateway: nothing here runs per user.
    /// </summary>
    public TimeSpan Tick { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The least time between two calls from a silo to one gateway's lease grain: news of sessions
    /// held and released that comes sooner waits out the rest, and goes with the rest of that news
    /// in one call (<see cref="Gateways.LeaseHolds"/>). Only a gateway's death waits on it, and a
    /// lease is far longer.
    /// </summary>
    public TimeSpan LeaseChangeInterval { get; set; } = TimeSpan.FromMilliseconds(20);
}
