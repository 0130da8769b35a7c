using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using ChatApp.Gateway.Sockets;
using ChatApp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>A gateway that holds at most 3 sockets per address and 5 in all, so that both caps are quick to reach.</summary>
public sealed class FewSocketsFixture() : ChatSystemFixture(new Dictionary<string, string>
{
    ["Limits:SocketsPerAddress"] = "3",
    ["Limits:SocketsInTotal"] = "5",
});

/// <summary>
/// Sockets are counted from the upgrade, before hello, per client address and in total; the next
/// one past a cap is refused before it is upgraded, and a socket gives its seat back however it
/// ends. The tests share one gateway and run one at a time, each leaving every seat free.
/// </summary>
public sealed class SocketCapTests(FewSocketsFixture fixture) : IClassFixture<FewSocketsFixture>, IAsyncLifetime
{
    private ChatSystem System => fixture.System;

    private SocketSeats Seats => System.GatewayServices.GetRequiredService<SocketSeats>();

    private readonly List<ClientWebSocket> _sockets = [];

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Closes what a test left open, then checks that every seat came back: no count leaks.</summary>
    public async Task DisposeAsync()
    {
        foreach (var socket in _sockets)
        {
            socket.Abort();
            socket.Dispose();
        }
        await Eventually.Until(() => Seats.Total == 0, "every seat is given back");
    }

    /// <summary>Opens a socket from a loopback address of its own (127.0.0.x), without saying hello.</summary>
    private async Task<ClientWebSocket> OpenFromAsync(string sourceAddress)
    {
        var socket = new ClientWebSocket();
        _sockets.Add(socket);
        using var from = From(sourceAddress);
        await socket.ConnectAsync(System.SocketUri, from, CancellationToken.None);
        return socket;
    }

    /// <summary>Tries to open a socket and returns the HTTP status that refused the upgrade.</summary>
    private async Task<HttpStatusCode> RefusedFromAsync(string sourceAddress, string? warmupKey = null)
    {
        using var socket = new ClientWebSocket { Options = { CollectHttpResponseDetails = true } };
        if (warmupKey is not null)
        {
            socket.Options.SetRequestHeader(SocketWarmup.KeyHeader, warmupKey);
        }
        using var from = From(sourceAddress);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(System.SocketUri, from, CancellationToken.None));
        return socket.HttpStatusCode;
    }

    private static HttpMessageInvoker From(string sourceAddress) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var tcp = new Socket(SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Parse(sourceAddress), 0));
            await tcp.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(tcp, ownsSocket: true);
        },
    });

    [Fact]
    public async Task The_fourth_socket_from_one_address_is_refused_429_before_any_hello_and_gets_in_once_one_closes()
    {
        var first = await OpenFromAsync("127.0.0.2");
        await OpenFromAsync("127.0.0.2");
        await OpenFromAsync("127.0.0.2");

        Assert.Equal(HttpStatusCode.TooManyRequests, await RefusedFromAsync("127.0.0.2"));
        await OpenFromAsync("127.0.0.3"); // another address is not held back by this one

        first.Abort(); // gone before it ever said hello
        await Eventually.Until(() => Seats.Total == 3, "the aborted socket gave its seat back");
        await OpenFromAsync("127.0.0.2");
    }

    [Fact]
    public async Task The_sixth_socket_of_the_gateway_is_refused_503_and_gets_in_once_a_greeted_one_closes()
    {
        var (name, token) = await System.RegisterAsync("seated");
        var greeted = await ChatTestClient.ConnectGreetedAsync(System.SocketUri, name, token);
        await OpenFromAsync("127.0.0.4");
        await OpenFromAsync("127.0.0.5");
        await OpenFromAsync("127.0.0.6");
        await OpenFromAsync("127.0.0.7");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, await RefusedFromAsync("127.0.0.8"));

        await greeted.DisposeAsync(); // a socket that said hello, closed by its client
        await Eventually.Until(() => Seats.Total == 4, "the closed socket gave its seat back");
        await OpenFromAsync("127.0.0.8");
    }

    [Fact]
    public async Task A_socket_that_claims_to_be_the_gateways_warm_up_without_its_key_counts_against_its_address()
    {
        await OpenFromAsync("127.0.0.9");
        await OpenFromAsync("127.0.0.9");
        await OpenFromAsync("127.0.0.9");

        Assert.Equal(HttpStatusCode.TooManyRequests, await RefusedFromAsync("127.0.0.9", warmupKey: "a guess"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await RefusedFromAsync("127.0.0.9", warmupKey: ""));
    }
}
