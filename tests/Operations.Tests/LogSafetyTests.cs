using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ChatApp.Tests.Operations.Support;
using ChatApp.Tests.Support;
using Microsoft.Extensions.Logging;
using Xunit;

namespace ChatApp.Tests.Operations;

/// <summary>
/// Everything the gateway logs at its most verbose, while users register, log in (rightly and
/// wrongly), say hello with good and bad tokens and chat, holds no password, token or signing key.
/// The gateway is where secrets arrive; silos only ever see user names.
/// </summary>
public sealed class LogSafetyTests
{
    [Fact]
    public async Task No_password_token_or_signing_key_reaches_the_logs()
    {
        var capture = new LogCapture();
        await using var system = await ChatSystem.StartAsync(
            gatewaySettings: new Dictionary<string, string>
            {
                ["Logging:LogLevel:Default"] = "Trace",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
                // The capture gets everything; the test's console is spared.
                ["Logging:Console:LogLevel:Default"] = "None",
            },
            configureGateway: builder => builder.Logging.AddProvider(capture));
        var name = Fresh.User("carol");
        var password = $"pw-{Guid.NewGuid():N}";
        var wrongPassword = $"wrong-{Guid.NewGuid():N}";
        using var http = system.Http();

        var registered = await PostAsync(http, "/api/auth/register", new { username = name, password }, HttpStatusCode.Created);
        await PostAsync(http, "/api/auth/login", new { username = name, password = wrongPassword }, HttpStatusCode.Unauthorized);
        var loggedIn = await PostAsync(http, "/api/auth/login", new { username = name, password }, HttpStatusCode.OK);
        var token = loggedIn!.Token;
        var tampered = token[..^4] + (token.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        using (var bad = new HttpClient { BaseAddress = system.BaseUri })
        {
            bad.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tampered);
            Assert.Equal(HttpStatusCode.Unauthorized, (await bad.GetAsync("/api/me")).StatusCode);
        }
        await using (var refused = await ChatTestClient.ConnectAsync(system.SocketUri, name, tampered))
        {
            Assert.IsType<ErrorFrame>(await refused.RequestAsync("hello", new { token = tampered }));
        }
        await using var client = await ChatTestClient.ConnectAsync(system.SocketUri, name, token);
        var hello = await client.HelloAsync();
        var connectionId = hello.SessionId;
        var room = Fresh.Room("logs");
        await client.JoinAsync(room);
        await client.SendAsync(room, "nothing secret here");

        // The capture is live: the socket's line names its user and connection, as fields too.
        await Eventually.Until(
            () => Task.FromResult(capture.Entries),
            entries => entries.Any(e => e.Contains($"[ConnectionId={connectionId}]", StringComparison.Ordinal)
                && e.Contains($"[User={name}]", StringComparison.Ordinal)),
            "logging the connection");

        string[] secrets =
        [
            password,
            wrongPassword,
            registered!.Token,
            token,
            tampered,
            token.Split('.')[2], // a signature alone would do harm too
            ChatSystem.SigningKey,
        ];
        var entries = capture.Entries;
        Assert.NotEmpty(entries);
        foreach (var secret in secrets)
        {
            var leak = entries.FirstOrDefault(e => e.Contains(secret, StringComparison.Ordinal));
            Assert.True(leak is null, $"a secret was logged: {leak}");
        }
        var connectionString = entries.FirstOrDefault(e => e.Contains("Password=", StringComparison.OrdinalIgnoreCase));
        Assert.True(connectionString is null, $"a database password was logged: {connectionString}");
    }

    private static async Task<SignedIn?> PostAsync(HttpClient http, string path, object body, HttpStatusCode expected)
    {
        using var response = await http.PostAsJsonAsync(path, body);
        Assert.Equal(expected, response.StatusCode);
        return response.IsSuccessStatusCode ? await response.ReadAsync<SignedIn>() : null;
    }
}
