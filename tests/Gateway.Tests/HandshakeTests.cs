using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>A system whose gateway waits only briefly for hello and trusts one extra origin.</summary>
public sealed class HandshakeFixture() : ChatSystemFixture(new Dictionary<string, string>
{
    ["Gateway:HelloTimeout"] = HelloTimeout.ToString("c", CultureInfo.InvariantCulture),
    ["Gateway:AllowedOrigins:0"] = TrustedOrigin,
})
{
    public const string TrustedOrigin = "https://chat.example.test";
    public static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(2);
}

/// <summary>Opening the socket: which origins may, and how long a socket may stay silent before hello.</summary>
public sealed class HandshakeTests(HandshakeFixture fixture) : IClassFixture<HandshakeFixture>
{
    private ChatSystem System => fixture.System;

    [Fact]
    public async Task A_socket_that_says_nothing_is_closed_with_1008_after_the_hello_timeout()
    {
        var (name, token) = await System.RegisterAsync("silent");
        await using var client = await ChatTestClient.ConnectAsync(System.SocketUri, name, token);

        // Closed waits with the client's deadline, well past the configured timeout.
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await client.ClosedWithAsync());
        ChatSteps.AssertError(Assert.Single(client.Frames), "unauthorized");
    }

    [Fact]
    public async Task An_upgrade_from_a_foreign_origin_is_refused_with_403()
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Origin", "https://evil.example.test");

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(System.SocketUri, CancellationToken.None));

        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(HandshakeFixture.TrustedOrigin)]
    public async Task An_upgrade_without_origin_or_from_a_configured_origin_is_accepted(string? origin)
    {
        var (name, token) = await System.RegisterAsync("origin");
        await using var client = await ChatTestClient.ConnectAsync(System.SocketUri, name, token, origin);

        var hello = await client.HelloAsync();

        Assert.Equal(name, hello.User.Name);
    }

    [Fact]
    public async Task An_upgrade_from_the_gateways_own_origin_is_accepted()
    {
        var (name, token) = await System.RegisterAsync("origin");
        var ownOrigin = System.BaseUri.GetLeftPart(UriPartial.Authority);
        await using var client = await ChatTestClient.ConnectAsync(System.SocketUri, name, token, ownOrigin);

        var hello = await client.HelloAsync();

        Assert.Equal(name, hello.User.Name);
    }
}
