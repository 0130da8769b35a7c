using ChatApp.Defaults;

namespace ChatApp.Gateway.Cluster;

/// <summary>Settings of this gateway's side of the fan-out, bound from the "Gateway" section; the defaults suit one machine.</summary>
public sealed class FanOutOptions
{
    public const string Section = "Gateway";

    /// <summary>How long an early live event waits for the ones before it before the sockets repair the gap from the log.</summary>
    [Positive(OrZero = true)]
    public TimeSpan ReorderWindow { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a room relay or user session keeps this gateway's observer without hearing from it.</summary>
    [Positive]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How often leases are renewed: a third of their length, so two renewals may fail before one
    /// lapses. Each renewal also re-checks open sockets' tokens and their rooms' memberships, so
    /// this bounds how long a lost removal or sign-out notice goes unnoticed.
    /// </summary>
    [Positive]
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(20);
}
