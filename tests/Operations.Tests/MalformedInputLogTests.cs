using ChatApp.Tests.Operations.Support;
using ChatApp.Tests.Support;
using Microsoft.Extensions.Logging;
using Xunit;

namespace ChatApp.Tests.Operations;

/// <summary>
/// Malformed frames are the client's mistake: noted at Debug, never as a warning with a stack
/// trace, and at most a few lines a second for the whole gateway, however many arrive, so that
/// nobody (signed in or not) can fill the logs by sending garbage.
/// </summary>
public sealed class MalformedInputLogTests
{
    private const string Category = "ChatApp.Gateway.Sockets.MalformedInput";

    [Fact]
    public async Task Hundreds_of_lone_surrogates_log_a_few_debug_lines_and_no_warnings()
    {
        var capture = new LogCapture();
        await using var system = await ChatSystem.StartAsync(
            gatewaySettings: new Dictionary<string, string>
            {
                ["Logging:LogLevel:Default"] = "Debug",
                ["Logging:Console:LogLevel:Default"] = "None",
            },
            configureGateway: builder => builder.Logging.AddProvider(capture));
        var (name, token) = await system.RegisterAsync("garbage");
        var started = DateTime.UtcNow;

        // Before hello: one frame, then the socket is closed.
        await using (var stranger = await ChatTestClient.ConnectAsync(system.SocketUri, name, token))
        {
            await stranger.SendTextAsync("{\"type\":\"hello\",\"ref\":\"h\",\"token\":\"\\ud800\"}");
            Assert.Equal("bad_request", Assert.IsType<ErrorFrame>(await stranger.WaitForAnswerAsync("h")).Code);
        }
        // After hello: many, each answered.
        await using var client = await ChatTestClient.ConnectGreetedAsync(system.SocketUri, name, token);
        for (var i = 0; i < 300; i++)
        {
            await client.SendTextAsync($"{{\"type\":\"ping\",\"ref\":\"g{i}\",\"x\":\"\\udc00\"}}");
        }
        Assert.Equal("bad_request", Assert.IsType<ErrorFrame>(await client.WaitForAnswerAsync("g299")).Code);
        var seconds = (DateTime.UtcNow - started).TotalSeconds;

        var noted = capture.Entries.Where(e => e.StartsWith($"Debug {Category}:", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(noted);
        Assert.True(noted.Count <= 20 + (5 * (seconds + 1)), $"{noted.Count} lines in {seconds:F1} s");
        Assert.DoesNotContain(capture.Entries, e => e.StartsWith("Warning", StringComparison.Ordinal) || e.StartsWith("Error", StringComparison.Ordinal));
    }
}
