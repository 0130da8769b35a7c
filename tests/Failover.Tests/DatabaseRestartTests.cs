using System.Diagnostics;
using System.Net.WebSockets;
using ChatApp.Tests.Failover.Support;
using ChatApp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ChatApp.Tests.Failover;

/// <summary>
/// PostgreSQL goes down under traffic and comes back: meanwhile sends are refused with the
/// contract's <c>unavailable</c>, afterwards they succeed again without restarting anything, and
/// nothing acknowledged is lost. The server is a throwaway one, so the shared test server is untouched.
/// </summary>
public sealed class DatabaseRestartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task While_PostgreSQL_is_down_sends_fail_with_unavailable_and_after_its_restart_they_succeed_with_nothing_lost()
    {
        await using var postgres = await ThrowawayPostgres.StartAsync();
        await using var cluster = await FailoverCluster.StartAsync(silos: 2, postgres.ConnectionString);
        var room = Fresh.Room("dbdown");
        await using var conversation = Conversation.Start(room, await Chatters.JoinAsync(cluster, room, 3), 10, TimeSpan.FromSeconds(90));
        var chatters = conversation.Chatters;
        await conversation.UntilEachAckedAsync(10, TimeSpan.FromSeconds(30));

        await postgres.CrashAsync();
        var downAt = Stopwatch.GetTimestamp();
        var refusedBefore = chatters.Select(c => c.Unavailable).ToArray();
        // Down long enough for every pooled connection to have broken and every chatter to have retried for a while.
        await Wait.UntilAsync(() => chatters.Select((c, i) => c.Unavailable >= refusedBefore[i] + 20).All(refused => refused),
            TimeSpan.FromSeconds(60), "refusing sends with unavailable");

        // A client (re)connecting meanwhile is told to come back later, not that its token is bad.
        var hello = await HelloWhileDownAsync(cluster, chatters[0]);

        // Stamped before the start: a retry may be acknowledged as soon as the server accepts
        // connections, before pg_ctl has told this test that it does.
        var restartAt = Stopwatch.GetTimestamp();
        await postgres.StartServerAsync();
        Assert.Equal(("unavailable", (WebSocketCloseStatus)1013), hello);
        var upAt = Stopwatch.GetTimestamp();
        // Nothing begun while the database was down could have been acknowledged before it came back.
        Assert.DoesNotContain(chatters.SelectMany(c => c.Sends), s => s.StartedAt > downAt && s.AckedAt < restartAt);
        await Wait.UntilAsync(() => chatters.All(c => c.Sends.Any(s => s.StartedAt > upAt)), TimeSpan.FromSeconds(60), "sending again");
        output.WriteLine($"PostgreSQL down for {Stopwatch.GetElapsedTime(downAt, upAt).TotalSeconds:0.0} s; every chatter's sends "
            + $"acknowledged again {Chatters.RecoveredAfter(chatters, upAt).TotalSeconds:0.0} s after it was back");
        var acked = chatters.Sum(c => c.Acked.Count);
        await Wait.UntilAsync(() => chatters.Sum(c => c.Acked.Count) >= acked + 30, TimeSpan.FromSeconds(30), "chatting after the restart");

        var audit = await conversation.SettleAsync(cluster.ConnectionString, output.WriteLine);
        // unavailable is the only refusal a client saw: no crash, no other code, no socket closed on it.
        conversation.AssertClean(audit);
        Assert.All(chatters, c => Assert.Equal(0, c.Reconnects));
    }

    /// <summary>The code of the answer to a new socket's hello, and the status the socket was closed with.</summary>
    private static async Task<(string? Code, WebSocketCloseStatus? Status)> HelloWhileDownAsync(FailoverCluster cluster, Chatter user)
    {
        await using var socket = await ChatTestClient.ConnectAsync(cluster.Gateways[0].SocketUri, user.User, user.Token);
        try
        {
            var answer = await socket.RequestAsync("hello", new { token = user.Token });
            await socket.Closed.WaitAsync(TimeSpan.FromSeconds(10));
            return ((answer as ErrorFrame)?.Code, socket.CloseStatus);
        }
        catch (TimeoutException)
        {
            return (null, socket.CloseStatus);
        }
    }
}
