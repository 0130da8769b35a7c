using ChatApp.Defaults;

namespace ChatApp.Gateway.Sockets;

/// <summary>
/// Settings of the WebSocket side, bound from the "Gateway" section; the defaults suit one machine.
/// The same section's lease and reordering settings are the fan-out's (Cluster/FanOutOptions.cs).
/// </summary>
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

    /// <summary>
    /// Bytes of frames waiting for one slow socket before it is cut off the same way: a message
    /// may be 16 KiB, so a count alone would let one socket hold 16 MB. A single frame larger than
    /// this (a history page of long messages) still goes out when nothing else waits.
    /// </summary>
    [Positive]
    public int SendQueueBytes { get; set; } = 4 * 1024 * 1024;
}
