using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>
/// One running system per test class; tests stay independent through fresh users and rooms. A test
/// class that needs the system configured otherwise has a fixture of its own deriving from this one,
/// named for what it changes and giving the settings (configuration keys) it changes.
/// </summary>
public class ChatSystemFixture : IAsyncLifetime
{
    private readonly IReadOnlyDictionary<string, string>? _gatewaySettings;
    private readonly IReadOnlyDictionary<string, string>? _siloSettings;

    public ChatSystemFixture()
    {
    }

    protected ChatSystemFixture(IReadOnlyDictionary<string, string>? gatewaySettings, IReadOnlyDictionary<string, string>? siloSettings = null)
    {
        _gatewaySettings = gatewaySettings;
        _siloSettings = siloSettings;
    }

    public ChatSystem System { get; private set; } = null!;

    public async Task InitializeAsync() => System = await ChatSystem.StartAsync(gatewaySettings: _gatewaySettings, siloSettings: _siloSettings);

    public virtual async Task DisposeAsync() => await System.DisposeAsync();
}
