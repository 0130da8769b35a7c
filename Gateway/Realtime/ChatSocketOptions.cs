using ChatApp.Defaults;

namespace ChatApp.Gateway.Realtime;

/// <summary>Settings of the WebSocket side, bound from the "Gateway" section; the defaults suit one machine.</summary>
public sealed class ChatSocketOptions
{
    public const string Section = "Gateway";

    /// <summary>Origins allowed to open /ws besides the gateway's own (browsers send Origin; bots usually do not).</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>The contract's bound on one frame.</summary>
    [Positive]
    public int MaxFrameBytes { get; set; } = 64 * 1024;

    /// <summary>How long a new socket may take to say hello.</summary>
    [Positive]
    public TimeSpan HelloTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Hellos this gateway has in the cluster at once; more wait their turn (<see cref="HelloGate"/>).</summary>
    [Positive]
    public int HellosInFlight { get; set; } = 256;

    /// <summary>How long a hello may wait for its turn before it is answered "unavailable" (1013).</summary>
    [Positive(OrZero = true)]
    public TimeSpan HelloQueueTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Frames waiting for one slow socket before it is cut off with 1013.</summary>
    [Positive]
    public int SendQueueLimit { get; set; } = 1024;

    /// <summary>How long an early live event waits for the ones before it before the sockets repair the gap from the log.</summary>
    [Positive(OrZero = true)]
    public TimeSpan ReorderWindow { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a room relay or user session keeps this gateway's observer without hearing from it.</summary>
    [Positive]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often leases are renewed: a third of their length, so two renewals may fail before one lapses.</summary>
    [Positive]
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(20);
}
