using System.Net.WebSockets;
using ChatApp.Tests.Failover.Support;
using ChatApp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ChatApp.Tests.Failover;

/// <summary>
/// Two gateways in front of one cluster: a client whose gateway dies (killed, or stopped) comes back
/// on the other with <c>hello</c> + <c>resume</c> and gets exactly the events it missed, then live ones.
/// </summary>
public sealed class GatewayFailoverTests(GatewayFailoverTests.Fixture fixture, ITestOutputHelper output)
    : IClassFixture<GatewayFailoverTests.Fixture>
{
    private FailoverCluster Cluster => fixture.Cluster;

    /// <summary>One silo process and the in-process gateway B, shared; each test brings the gateway it takes down.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public FailoverCluster Cluster { get; private set; } = null!;

        public async Task InitializeAsync() => Cluster = await FailoverCluster.StartAsync(silos: 1);

        public async Task DisposeAsync() => await Cluster.DisposeAsync();
    }

    [Fact]
    public async Task A_client_whose_gateway_is_killed_resumes_on_another_and_gets_exactly_what_it_missed()
    {
        var gatewayA = await Cluster.StartGatewayProcessAsync();
        var gatewayB = Cluster.Gateways[0];
        var room = Fresh.Room("gw");
        var (alice, aliceToken) = await Cluster.RegisterAsync("alice");
        var (bob, bobToken) = await Cluster.RegisterAsync("bob");
        await using var bobSocket = await ChatTestClient.ConnectGreetedAsync(gatewayB.SocketUri, bob, bobToken);
        var aliceSocket = await ChatTestClient.ConnectGreetedAsync(gatewayA.SocketUri, alice, aliceToken);
        await aliceSocket.JoinAsync(room);
        await bobSocket.JoinAsync(room);
        var lastSeen = await bobSocket.SendAsync(room, "before the crash");
        await aliceSocket.WaitForEventAsync(room, lastSeen);

        gatewayA.Kill();
        await aliceSocket.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        // A crash says nothing: the socket just ends, without a close frame.
        Assert.Null(aliceSocket.CloseStatus);
        await aliceSocket.DisposeAsync();
        var missed = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            missed.Add(await bobSocket.SendAsync(room, $"while alice is away {i}"));
        }

        await using var aliceAgain = await ChatTestClient.ConnectGreetedAsync(gatewayB.SocketUri, alice, aliceToken,
            resume: new Dictionary<string, long> { [room] = lastSeen });
        var live = await bobSocket.SendAsync(room, "welcome back");
        await aliceAgain.WaitForEventAsync(room, live);

        Assert.Equal([.. missed, live], aliceAgain.Seqs(room));
        Assert.Equal("while alice is away 0", aliceAgain.Events(room)[0].Text);
        output.WriteLine($"gateway A (pid {gatewayA.Id}) killed; alice resumed on B from seq {lastSeen} and got {missed.Count} missed events, then live");
    }

    [Fact]
    public async Task Stopping_a_gateway_closes_its_sockets_with_1001_and_they_resume_on_another()
    {
        var gatewayA = await Cluster.StartGatewayAsync();
        var gatewayB = Cluster.Gateways[0];
        var room = Fresh.Room("gw");
        var (alice, aliceToken) = await Cluster.RegisterAsync("alice");
        var (bob, bobToken) = await Cluster.RegisterAsync("bob");
        await using var bobSocket = await ChatTestClient.ConnectGreetedAsync(gatewayB.SocketUri, bob, bobToken);
        await using var aliceSocket = await ChatTestClient.ConnectGreetedAsync(gatewayA.SocketUri, alice, aliceToken);
        await aliceSocket.JoinAsync(room);
        await bobSocket.JoinAsync(room);
        var lastSeen = await bobSocket.SendAsync(room, "before the restart");
        await aliceSocket.WaitForEventAsync(room, lastSeen);

        var stopping = gatewayA.StopAsync();
        await aliceSocket.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, aliceSocket.CloseStatus);
        await stopping;
        var missed = await bobSocket.SendAsync(room, "during the restart");

        await using var aliceAgain = await ChatTestClient.ConnectGreetedAsync(gatewayB.SocketUri, alice, aliceToken,
            resume: new Dictionary<string, long> { [room] = lastSeen });
        await aliceAgain.WaitForEventAsync(room, missed);
        Assert.Equal([missed], aliceAgain.Seqs(room));
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public async Task Behind_a_TLS_proxy_the_public_origin_is_accepted_once_forwarded_headers_are_on(bool forwardedHeaders, bool accepted)
    {
        // docs/deploy.md: nginx terminates TLS and says so in X-Forwarded-Proto; the browser's Origin is https.
        var gateway = await Cluster.StartGatewayAsync(new Dictionary<string, string> { ["ForwardedHeaders_Enabled"] = forwardedHeaders ? "true" : "false" });
        try
        {
            using var socket = new ClientWebSocket();
            socket.Options.SetRequestHeader("Origin", $"https://{gateway.BaseUri.Authority}");
            socket.Options.SetRequestHeader("X-Forwarded-Proto", "https");
            socket.Options.SetRequestHeader("X-Forwarded-For", "203.0.113.7");
            socket.Options.CollectHttpResponseDetails = true;
            var upgraded = true;
            try
            {
                await socket.ConnectAsync(gateway.SocketUri, CancellationToken.None);
            }
            catch (WebSocketException)
            {
                upgraded = false;
                Assert.Equal(System.Net.HttpStatusCode.Forbidden, socket.HttpStatusCode);
            }
            Assert.Equal(accepted, upgraded);
        }
        finally
        {
            await gateway.StopAsync();
        }
    }
}
