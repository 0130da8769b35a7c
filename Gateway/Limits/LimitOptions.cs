using ChatApp.Defaults;

namespace ChatApp.Gateway.Limits;

/// <summary>
/// The gateway's abuse limits, bound from the "Limits" section. Each is enforced per gateway
/// process; docs/security.md lists them with their defaults and what a client is told.
/// </summary>
public sealed class LimitOptions
{
    public const string Section = "Limits";

    /// <summary>Messages (send, edit, delete) a user may make per second, sustained…</summary>
    [Positive]
    public double MessagesPerSecond { get; set; } = 5;

    /// <summary>…and in one burst after being quiet.</summary>
    [Positive]
    public int MessageBurst { get; set; } = 20;

    /// <summary>Reactions (react and unreact) a user may make per second, sustained…</summary>
    [Positive]
    public double ReactionsPerSecond { get; set; } = 5;

    /// <summary>…and in one burst after being quiet.</summary>
    [Positive]
    public int ReactionBurst { get; set; } = 30;

    /// <summary>Frames of any kind one socket may send per second, sustained, and in a burst.</summary>
    [Positive]
    public double FramesPerSecond { get; set; } = 50;

    [Positive]
    public int FrameBurst { get; set; } = 200;

    /// <summary>Failed logins for one name from one client address before further attempts from there wait…</summary>
    [Positive]
    public int LoginFailuresBeforeDelay { get; set; } = 5;

    /// <summary>…first this long, twice as long after each further failure…</summary>
    [Positive]
    public TimeSpan LoginFirstDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>…but never longer than this.</summary>
    [Positive]
    public TimeSpan LoginMaxDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>One failure is forgotten for every stretch this long without one (per name and address).</summary>
    [Positive]
    public TimeSpan LoginFailureForgiveness { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Failed logins from one client address across all names per hour (a burst of as many, then refilled evenly).</summary>
    [Positive]
    public int LoginFailuresPerAddressPerHour { get; set; } = 100;

    /// <summary>Wrong current passwords a signed-in user may give to a password change, then one more per minute.</summary>
    [Positive]
    public int PasswordChangeFailuresPerUser { get; set; } = 5;

    /// <summary>Login and register calls per client address per minute.</summary>
    [Positive]
    public int AuthCallsPerAddressPerMinute { get; set; } = 30;

    /// <summary>Searches a user may make per second, sustained, and in one burst: each is a full-text query over all their rooms.</summary>
    [Positive]
    public double SearchesPerSecond { get; set; } = 0.5;

    [Positive]
    public int SearchBurst { get; set; } = 10;

    /// <summary>History pages a user may read per second (HTTP and <c>history</c> frames together), sustained, and in one burst.</summary>
    [Positive]
    public double HistoryReadsPerSecond { get; set; } = 10;

    [Positive]
    public int HistoryReadBurst { get; set; } = 100;

    /// <summary>Open sockets one user may hold on one gateway.</summary>
    [Positive]
    public int ConnectionsPerUser { get; set; } = 10;

    /// <summary>
    /// Sockets one client address (an IPv6 /64) may hold open on one gateway, counted from the
    /// upgrade, before hello: the next is refused with 429 until one closes.
    /// </summary>
    [Positive]
    public int SocketsPerAddress { get; set; } = 200;

    /// <summary>Sockets one gateway holds open in total; the next is refused with 503 until one closes.</summary>
    [Positive]
    public int SocketsInTotal { get; set; } = 50_000;

    /// <summary>
    /// Bytes an HTTP request body may hold, unless its endpoint says otherwise: credentials, a
    /// room's settings and the like are far smaller (Http/BodyLimits.cs).
    /// </summary>
    [Positive]
    public int RequestBodyBytes { get; set; } = 16 * 1024;

    /// <summary>
    /// Bytes the body of a message's send or edit may hold: 16 KiB of text even with every
    /// character escaped by JSON (six bytes each, <c>\u0007</c>), plus the other fields.
    /// </summary>
    [Positive]
    public int MessageBodyBytes { get; set; } = 128 * 1024;
}
