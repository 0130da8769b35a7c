using ChatApp.Gateway.Sockets;
using Microsoft.Extensions.Options;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>A storm of hellos waits its turn at the gateway, not past the grain calls' timeout in the silos.</summary>
public sealed class HelloGateTests
{
    private static HelloGate Gate(int inFlight, TimeSpan patience) =>
        new(Options.Create(new ChatSocketOptions { HellosInFlight = inFlight, HelloQueueTimeout = patience }));

    [Fact]
    public async Task A_hello_past_the_bound_waits_until_one_in_flight_is_done()
    {
        using var gate = Gate(inFlight: 1, patience: TimeSpan.FromSeconds(30));
        var first = await gate.EnterAsync(CancellationToken.None);

        var second = gate.EnterAsync(CancellationToken.None);
        Assert.False(second.IsCompleted);

        first!.Dispose();
        using var admitted = await second.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(admitted);
    }

    [Fact]
    public async Task A_hello_that_waits_longer_than_its_patience_is_turned_away()
    {
        using var gate = Gate(inFlight: 1, patience: TimeSpan.FromMilliseconds(50));
        using var first = await gate.EnterAsync(CancellationToken.None);

        Assert.Null(await gate.EnterAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Releasing_a_slot_twice_frees_it_once()
    {
        using var gate = Gate(inFlight: 1, patience: TimeSpan.FromMilliseconds(50));
        var first = await gate.EnterAsync(CancellationToken.None);
        first!.Dispose();
        first.Dispose();

        using var second = await gate.EnterAsync(CancellationToken.None);
        Assert.NotNull(second);
        Assert.Null(await gate.EnterAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
