using ChatApp.Defaults;

namespace ChatApp.Gateway.Sockets;

/// <summary>
/// The warm-up a gateway runs through its own /ws before it says it is ready
/// (<see cref="SocketWarmup"/>), bound from the "Warmup" section.
/// </summary>
public sealed class WarmupOptions
{
    public const string Section = "Warmup";

    /// <summary>
    /// Warm-up accounts saying hello in each round, each on a socket of its own, all at once as in a
    /// reconnect storm; 0 turns the warm-up off. The rooms' keepers stay through the rounds and the
    /// others are new in each, so <see cref="Rounds"/> times as many accounts are made. They count
    /// against no client's sockets, but against <c>Limits:SocketsPerAddress</c> among themselves.
    /// </summary>
    [Positive(OrZero = true)]
    public int Users { get; set; } = 160;

    /// <summary>
    /// Of those, how many also join a room in each round, ping, type, read its history, say hello
    /// on a second socket with a resume, and leave: each visit leaves its join and leave events in
    /// the room's log, so they are few.
    /// </summary>
    [Positive(OrZero = true)]
    public int Visitors { get; set; } = 24;

    /// <summary>Visitors per warm-up room; each room is also kept by one more account through the rounds.</summary>
    [Positive]
    public int RoomSize { get; set; } = 8;

    /// <summary>How many times the accounts come.</summary>
    [Positive]
    public int Rounds { get; set; } = 3;

    /// <summary>
    /// The wait between rounds: the runtime starts counting a method's calls, to compile it at its
    /// optimizing tier, only after a moment with nothing new to compile, and compiles in the
    /// background; a round that follows a pause is counted, and the next finds the result.
    /// </summary>
    [Positive(OrZero = true)]
    public TimeSpan Pause { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long readiness waits for the warm-up; past it the gateway is ready warm or not.</summary>
    [Positive]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);
}
