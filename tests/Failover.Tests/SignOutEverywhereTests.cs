using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using ChatApp.Tests.Failover.Support;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Failover;

/// <summary>
/// A user signed in on two devices through two gateways: logging out, or changing the password,
/// on one ends the other's session as well, though its socket is held by another process.
/// </summary>
public sealed class SignOutEverywhereTests(SignOutEverywhereTests.Fixture fixture) : IClassFixture<SignOutEverywhereTests.Fixture>
{
    private FailoverCluster Cluster => fixture.Cluster;

    /// <summary>One silo process and two gateways in this process.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public FailoverCluster Cluster { get; private set; } = null!;

        public GatewayHost Laptop => Cluster.Gateways[0];

        public GatewayHost Phone => Cluster.Gateways[1];

        public async Task InitializeAsync()
        {
            Cluster = await FailoverCluster.StartAsync(silos: 1);
            await Cluster.StartGatewayAsync();
        }

        public async Task DisposeAsync() => await Cluster.DisposeAsync();
    }

    [Fact]
    public async Task Logging_out_on_one_gateway_closes_the_users_socket_on_the_other_with_1008()
    {
        var (alice, token) = await Cluster.RegisterAsync("alice");
        await using var phone = await ConnectAsync(fixture.Phone, alice, token);
        using var laptop = Http(fixture.Laptop, token);

        Assert.Equal(HttpStatusCode.NoContent, (await laptop.PostAsync("/api/auth/logout", null)).StatusCode);

        await phone.Closed.WaitAsync(ChatTestClient.DefaultWait);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, phone.CloseStatus);
    }

    [Fact]
    public async Task A_new_password_set_on_one_gateway_closes_the_old_tokens_socket_on_the_other_but_not_the_new_ones()
    {
        var (alice, oldToken) = await Cluster.RegisterAsync("alice");
        await using var phone = await ConnectAsync(fixture.Phone, alice, oldToken);
        using var laptop = Http(fixture.Laptop, oldToken);

        var changed = await laptop.PostAsJsonAsync("/api/auth/password",
            new { currentPassword = Accounts.Password, newPassword = "a brand new secret" });

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var newToken = (await changed.ReadAsync<SignedIn>()).Token;
        await using var phoneAgain = await ConnectAsync(fixture.Phone, alice, newToken);
        await phone.Closed.WaitAsync(ChatTestClient.DefaultWait);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, phone.CloseStatus);
        // The sign-out has reached the phone's gateway, and the socket of the new token still answers.
        await phoneAgain.JoinAsync(Fresh.Room("pw"));
    }

    [Fact]
    public async Task A_token_logged_out_on_one_gateway_is_refused_on_the_other_as_soon_as_logout_returns()
    {
        var (alice, token) = await Cluster.RegisterAsync("alice");
        using var phoneHttp = Http(fixture.Phone, token);
        using var laptop = Http(fixture.Laptop, token);
        // The phone's gateway has seen the token succeed over HTTP and WebSocket, so nothing it keeps is cold.
        Assert.Equal(HttpStatusCode.OK, (await phoneHttp.GetAsync("/api/me")).StatusCode);
        await (await ConnectAsync(fixture.Phone, alice, token)).DisposeAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await laptop.PostAsync("/api/auth/logout", null)).StatusCode);

        // No waiting: the logout answered after the user's session knew.
        Assert.Equal(HttpStatusCode.Unauthorized, (await phoneHttp.GetAsync("/api/me")).StatusCode);
        await using var again = await ChatTestClient.ConnectAsync(fixture.Phone.SocketUri, alice, token);
        var answer = await again.RequestAsync("hello", new { token });
        Assert.Equal("unauthorized", Assert.IsType<ErrorFrame>(answer).Code);
        await again.Closed.WaitAsync(ChatTestClient.DefaultWait);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, again.CloseStatus);
    }

    private static Task<ChatTestClient> ConnectAsync(GatewayHost gateway, string user, string token) =>
        ChatTestClient.ConnectGreetedAsync(gateway.SocketUri, user, token);

    private static HttpClient Http(GatewayHost gateway, string token)
    {
        var http = new HttpClient { BaseAddress = gateway.BaseUri };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}
