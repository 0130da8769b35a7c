namespace ChatApp.Tests.Failover.Support;

/// <summary>
/// Where a silo or gateway process runs: the address it listens on and advertises, and the command
/// that puts it there (none for this host's loopback; <c>ip netns exec NAME</c> for a host that
/// <see cref="NetworkLab"/> simulates).
/// </summary>
public sealed record ProcessHost(string Name, string Address, IReadOnlyList<string> Launcher)
{
    /// <summary>This machine's loopback, where every process of a <see cref="FailoverCluster"/> runs unless told otherwise.</summary>
    public static ProcessHost Loopback { get; } = new("loopback", "127.0.0.1", []);

    public bool IsLoopback => Launcher.Count == 0;
}
