namespace ChatApp.Gateway.Limits;

/// <summary>
/// The gateway's abuse limits, bound from the "Limits" section. Each is enforced per gateway
/// process; docs/security.md lists them with their defaults and what a client is told.
/// </summary>
public sealed class LimitOptions
{
    /// <summary>Messages (send, edit, delete) a user may make per second, sustained…</summary>
    public double MessagesPerSecond { get; set; } = 5;

    /// <summary>…and in one burst after being quiet.</summary>
    public int MessageBurst { get; set; } = 20;

    /// <summary>Frames of any kind one socket may send per second, sustained, and in a burst.</summary>
    public double FramesPerSecond { get; set; } = 50;

    public int FrameBurst { get; set; } = 200;

    /// <summary>Failed logins per user name before further attempts wait, and how fast they are forgiven.</summary>
    public int LoginFailuresPerUser { get; set; } = 5;

    public TimeSpan LoginFailureForgiveness { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Login and register calls per client address per minute.</summary>
    public int AuthCallsPerAddressPerMinute { get; set; } = 30;

    /// <summary>Open sockets one user may hold on one gateway.</summary>
    public int ConnectionsPerUser { get; set; } = 10;
}
