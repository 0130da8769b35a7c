using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>One running system per test class; tests stay independent through fresh users and rooms.</summary>
public sealed class ChatSystemFixture : IAsyncLifetime
{
    public ChatSystem System { get; private set; } = null!;

    public async Task InitializeAsync() => System = await ChatSystem.StartAsync();

    public async Task DisposeAsync() => await System.DisposeAsync();
}
