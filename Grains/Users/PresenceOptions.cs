namespace ChatApp.Users;

/// <summary>How presence is kept (configuration section "Presence").</summary>
public sealed class PresenceOptions
{
    /// <summary>
    /// How often an online user's presence is re-announced to their rooms and lapsed gateway leases
    /// are noticed. A user whose gateway died without a word goes offline within one lease plus
    /// one tick; a relay lost with its silo relearns who is online within one tick.
    /// </summary>
    public TimeSpan Tick { get; set; } = TimeSpan.FromSeconds(20);
}
