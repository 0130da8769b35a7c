using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using ChatApp.Gateway.Cluster;
using ChatApp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>Tokens that were once good, or look good: expired, signed elsewhere, revoked.</summary>
public sealed class RevocationTests(ChatSystemFixture fixture) : IClassFixture<ChatSystemFixture>
{
    private ChatSystem System => fixture.System;

    private static string Forge(string name, string key, DateTime expires, int version = 0) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "chatapp",
            Audience = "chatapp",
            IssuedAt = expires.AddHours(-1),
            NotBefore = expires.AddHours(-1),
            Expires = expires,
            Subject = new ClaimsIdentity([new Claim("name", name), new Claim("uid", "1"), new Claim("tv", version.ToString(global::System.Globalization.CultureInfo.InvariantCulture), ClaimValueTypes.Integer32)]),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });

    private async Task<HttpStatusCode> Me(string token)
    {
        using var http = System.Http(token);
        return (await http.GetAsync("/api/me")).StatusCode;
    }

    private async Task<AnswerFrame> Hello(string name, string token)
    {
        await using var client = await ChatTestClient.ConnectAsync(System.SocketUri, name, token);
        var answer = await client.RequestAsync("hello", new { token });
        await client.Closed.WaitAsync(ChatTestClient.DefaultWait);
        return answer;
    }

    [Fact]
    public async Task An_expired_token_is_refused_over_http_and_websocket()
    {
        var (name, _) = await System.RegisterAsync();
        var expired = Forge(name, ChatSystem.SigningKey, DateTime.UtcNow.AddMinutes(-5));

        Assert.Equal(HttpStatusCode.Unauthorized, await Me(expired));
        ChatSteps.AssertError(await Hello(name, expired), "unauthorized");
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_refused()
    {
        var (name, _) = await System.RegisterAsync();
        var foreign = Forge(name, "another-key-of-the-same-length-as-the-real-one!!", DateTime.UtcNow.AddHours(1));

        Assert.Equal(HttpStatusCode.Unauthorized, await Me(foreign));
        ChatSteps.AssertError(await Hello(name, foreign), "unauthorized");
    }

    [Fact]
    public async Task The_right_key_still_needs_the_current_credentials_version()
    {
        var (name, token) = await System.RegisterAsync();
        var stale = Forge(name, ChatSystem.SigningKey, DateTime.UtcNow.AddHours(1), version: 7);

        Assert.Equal(HttpStatusCode.OK, await Me(token));
        Assert.Equal(HttpStatusCode.Unauthorized, await Me(stale));
    }

    [Fact]
    public async Task Logout_revokes_every_token_of_the_user_and_closes_their_sockets()
    {
        var (name, token) = await System.RegisterAsync();
        await using var open = await ChatTestClient.ConnectGreetedAsync(System.SocketUri, name, token);
        using var http = System.Http(token);

        Assert.Equal(HttpStatusCode.NoContent, (await http.PostAsync("/api/auth/logout", null)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await Me(token));
        await open.Closed.WaitAsync(ChatTestClient.DefaultWait);
        Assert.Equal(global::System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, open.CloseStatus);
        ChatSteps.AssertError(await Hello(name, token), "unauthorized");
    }

    [Fact]
    public async Task A_password_change_revokes_older_tokens_and_returns_a_working_one()
    {
        var (name, token) = await System.RegisterAsync();
        using var http = System.Http(token);

        var wrong = await http.PostAsJsonAsync("/api/auth/password", new { currentPassword = "not the password", newPassword = "a brand new secret" });
        var changed = await http.PostAsJsonAsync("/api/auth/password", new { currentPassword = Accounts.Password, newPassword = "a brand new secret" });

        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var fresh = (await changed.ReadAsync<SignedIn>()).Token;
        Assert.Equal(HttpStatusCode.Unauthorized, await Me(token));
        Assert.Equal(HttpStatusCode.OK, await Me(fresh));
        using var anonymous = System.Http();
        var oldLogin = await anonymous.PostAsJsonAsync("/api/auth/login", new { username = name, password = Accounts.Password });
        var newLogin = await anonymous.PostAsJsonAsync("/api/auth/login", new { username = name, password = "a brand new secret" });
        Assert.Equal(HttpStatusCode.Unauthorized, oldLogin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, newLogin.StatusCode);
    }

    [Fact]
    public async Task A_sign_out_notice_reaching_a_gateway_late_spares_sockets_of_the_new_password_and_a_later_one_does_not()
    {
        var (name, token) = await System.RegisterAsync();
        using var http = System.Http(token);
        var changed = await http.PostAsJsonAsync("/api/auth/password", new { currentPassword = Accounts.Password, newPassword = "a brand new secret" });
        var fresh = (await changed.ReadAsync<SignedIn>()).Token;
        var version = int.Parse(new JsonWebTokenHandler().ReadJsonWebToken(fresh).GetClaim("tv").Value, global::System.Globalization.CultureInfo.InvariantCulture);
        await using var open = await ChatTestClient.ConnectGreetedAsync(System.SocketUri, name, fresh);
        var hub = System.GatewayServices.GetRequiredService<ConnectionHub>();

        // The change's own notice (tokens older than the new one are revoked) after the new socket opened.
        hub.OnSignedOut(name, version);
        await open.JoinAsync(Fresh.Room("late"));

        // A later logout revokes the new token too.
        hub.OnSignedOut(name, version + 1);
        await open.Closed.WaitAsync(ChatTestClient.DefaultWait);
        Assert.Equal(global::System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, open.CloseStatus);
    }
}
