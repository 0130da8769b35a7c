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
}
