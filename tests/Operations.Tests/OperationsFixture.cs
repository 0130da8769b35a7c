using System.Globalization;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Operations;

/// <summary>
/// One running system for the dashboard, metrics and admin tests, with one administrator
/// (<see cref="AdminName"/>, registered and granted the role by the first test that needs it: the database is new).
/// Tests stay independent through fresh users and rooms.
/// </summary>
public sealed class OperationsFixture : IAsyncLifetime
{
    public const string AdminName = "opsadmin";

    public ChatSystem System { get; private set; } = null!;

    /// <summary>The first silo's admin listener.</summary>
    public Uri SiloAdmin => System.SiloAdminUris[0] ?? throw new InvalidOperationException("The silo's admin listener did not start.");

    /// <summary>The gateway's metrics listener (Metrics:Port), apart from its public port.</summary>
    public Uri GatewayMetrics => new($"http://127.0.0.1:{_metricsPort}/metrics");

    // One per fixture: each test class that uses it gets a system of its own.
    private readonly int _metricsPort = FreePort.Next();

    /// <summary>Set up as docs/deploy.md has it: metrics on a port of their own, behind a proxy that forwards the scheme.</summary>
    public async Task InitializeAsync() => System = await ChatSystem.StartAsync(gatewaySettings: new Dictionary<string, string>
    {
        ["Metrics:Port"] = _metricsPort.ToString(CultureInfo.InvariantCulture),
        ["FORWARDEDHEADERS_ENABLED"] = "true",
    });

    public async Task DisposeAsync() => await System.DisposeAsync();
}
