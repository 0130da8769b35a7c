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

    public async Task InitializeAsync() => System = await ChatSystem.StartAsync();

    public async Task DisposeAsync() => await System.DisposeAsync();
}
