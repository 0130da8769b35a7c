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

    /// <summary>Frames of any kind one socket may send per second, sustained, and in a burst.</summary>
    [Positive]
    public double FramesPerSecond { get; set; } = 50;

    [Positive]
    public int FrameBurst { get; set; } = 200;

    /// <summary>Failed logins per user name before further attempts wait, and how fast they are forgiven.</summary>
    [Positive]
    public int LoginFailuresPerUser { get; set; } = 5;

    [Positive]
    public TimeSpan LoginFailureForgiveness { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Login and register calls per client address per minute.</summary>
    [Positive]
    public int AuthCallsPerAddressPerMinute { get; set; } = 30;

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
