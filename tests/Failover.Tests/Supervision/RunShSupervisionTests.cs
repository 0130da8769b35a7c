using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ChatApp.Tests.Failover.Support;
using ChatApp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ChatApp.Tests.Failover.Supervision;

/// <summary>
/// ./run.sh supervises what it starts, as an OTP supervisor does: a silo or gateway killed with
/// SIGKILL is started again on its ports while the rest keep serving and clients lose nothing; one
/// that keeps dying is given up on, loudly; Ctrl-C stops every process and restarts none.
/// </summary>
public sealed partial class RunShSupervisionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(150);
    private static readonly TimeSpan Restart = TimeSpan.FromSeconds(150); // a restarted silo once took 30 s to log its first line while the solution was building
    private static readonly TimeSpan SendWithin = TimeSpan.FromSeconds(150); // a gateway restarted on a loaded machine took 62 s to be ready
    private const int PerSecond = 10;

    /// <summary>How run.sh words a failed start: the gateway's unhandled exception aborts it (SIGABRT), or it exits non-zero.</summary>
    private const string Failed = @"killed by SIGABRT|exit code [1-9]\d*";

    /// <summary>The rate limits out of the way of chatters sending as fast as the test asks.</summary>
    private static readonly Dictionary<string, string?> RoomyLimits =
        ChatSystem.RoomyLimits.ToDictionary(limit => limit.Key.Replace(":", "__", StringComparison.Ordinal), limit => (string?)limit.Value);

    // This test found sockets that heard nothing of their room for 60 s after silo deaths (CI,
    // 2026-12-04 and 05). One cause was proven and fixed: a chat queue that came back numbering its
    // batches from 0 again (ChatQueueGrain, ChatQueueTests). Two more paths that could do it are
    // closed: a pulling agent that kept a room's live events behind a relay lost with its silo for up
    // to a minute (RelayDeliveryRetries), and a socket left following a room with no place in it when
    // watching the relay failed (ConnectionHub.FollowAsync). Whatever the path, a lease renewal now
    // catches up a socket whose live events stalled (ConnectionHub.CatchUpStalled, GapRepairTests).
    [Fact]
    public async Task Under_run_sh_a_killed_silo_or_gateway_is_restarted_and_chatting_goes_on_with_nothing_lost()
    {
        await using var database = await TestDatabase.CreateAsync();
        // One restart per process within 10 minutes: the second death of the same silo is the one too many.
        await using var run = RunSh.Start(database.ConnectionString, silos: 2, gateways: 1,
            ["--max-restarts", "1", "--restart-window", "600"], RoomyLimits);
        var clock = Stopwatch.StartNew();
        await run.WaitForLineAsync("^ChatApp is ready after", Startup);
        // run.sh is ready once its gateway reaches a silo; the other silo may still be joining.
        await Task.WhenAll(Enumerable.Range(0, 2).Select(i => Wait.UntilReadyAsync(run.SiloAdminUri(i))));
        output.WriteLine($"run.sh ready after {clock.Elapsed.TotalSeconds:0.0} s");

        // The gateway's warm-up made rooms of its own before it was ready: the test's room is the one made since.
        var roomsBefore = await RoomActivationsAsync(run, silos: 2);
        var room = Fresh.Room("supervised");
        var chatters = new List<Chatter>();
        using (var http = new HttpClient { BaseAddress = run.GatewayBaseUri })
        {
            for (var i = 0; i < 2; i++)
            {
                var (name, token) = await Accounts.RegisterAsync(http, "chatter");
                chatters.Add(await JoinWhenAvailableAsync(run, name, token, room));
            }
        }
        await using var conversation = Conversation.Start(room, chatters, PerSecond, SendWithin);
        await conversation.UntilEachAckedAsync(10, TimeSpan.FromSeconds(60));

        // 1. The silo holding the room is killed: run.sh says so, starts it again, and it rejoins.
        var victim = await SiloHostingRoomAsync(run, roomsBefore);
        var victimPid = run.PidOf(victim.Name);
        var generation = await GenerationAsync(database, run.SiloPort + victim.Index);
        var from = run.Lines.Count;
        var killedAt = Stopwatch.GetTimestamp();
        RunSh.Signal(victimPid, "KILL");
        await run.WaitForLineAsync($@"{victim.Name} \(pid {victimPid}\) died \(killed by SIGKILL\); restarting it in 1 s", TimeSpan.FromSeconds(10), from);
        // A send begun after this was surely not served by the dead process (the kill takes a moment to land).
        var dead = Stopwatch.GetTimestamp();
        await run.WaitForLineAsync($@"{victim.Name} restarted \(pid \d+\)", TimeSpan.FromSeconds(10), from);
        await run.WaitForLineAsync($@"{victim.Name} is back", Restart, from);
        var siloBack = Stopwatch.GetElapsedTime(killedAt);
        Assert.True(await GenerationAsync(database, run.SiloPort + victim.Index) > generation, "the restarted silo is not an Active member of the cluster");
        await Wait.UntilAsync(() => chatters.All(c => c.Sends.Any(s => s.StartedAt > dead)), TimeSpan.FromSeconds(60), "sending again after the silo's death");
        var sendingAgain = Chatters.RecoveredAfter(chatters, killedAt);
        output.WriteLine($"{victim.Name} killed: back (ready, Active) after {siloBack.TotalSeconds:0.0} s; every chatter's sends acknowledged again after {sendingAgain.TotalSeconds:0.0} s");

        // 2. The gateway is killed: run.sh starts it again on the same port, the chatters reconnect and resume.
        var gatewayPid = run.PidOf("gateway-0");
        var reconnects = chatters.Sum(c => c.Reconnects);
        from = run.Lines.Count;
        killedAt = Stopwatch.GetTimestamp();
        RunSh.Signal(gatewayPid, "KILL");
        await run.WaitForLineAsync($@"gateway-0 \(pid {gatewayPid}\) died \(killed by SIGKILL\); restarting it in 1 s", TimeSpan.FromSeconds(10), from);
        dead = Stopwatch.GetTimestamp();
        await run.WaitForLineAsync(@"gateway-0 is back", Restart, from);
        var gatewayBack = Stopwatch.GetElapsedTime(killedAt);
        // Acknowledged on a socket of the new gateway, so each chatter reconnected (a send begun
        // between the signal and the death could still be acknowledged by the old one).
        await Wait.UntilAsync(() => chatters.All(c => c.Sends.Any(s => s.StartedAt > dead)), TimeSpan.FromSeconds(60), "sending again after the gateway's death");
        sendingAgain = Chatters.RecoveredAfter(chatters, killedAt);
        Assert.True(chatters.Sum(c => c.Reconnects) >= reconnects + chatters.Count, "the chatters did not reconnect to the restarted gateway");
        output.WriteLine($"gateway-0 killed: back (ready) after {gatewayBack.TotalSeconds:0.0} s; every chatter's sends acknowledged again after {sendingAgain.TotalSeconds:0.0} s");

        // 3. The same silo dies again within the window: run.sh gives up on it, and the rest keep serving.
        var restartedPid = run.PidOf(victim.Name);
        from = run.Lines.Count;
        RunSh.Signal(restartedPid, "KILL");
        await run.WaitForLineAsync($@"GIVING UP on {victim.Name}: it died \(killed by SIGKILL\) after 1 restarts within 600 s", TimeSpan.FromSeconds(10), from);
        await run.WaitForLineAsync($@"still serving: silo-{1 - victim.Index} gateway-0", TimeSpan.FromSeconds(10), from);
        var acked = chatters.Sum(c => c.Acked.Count);
        await Wait.UntilAsync(() => chatters.Sum(c => c.Acked.Count) >= acked + 40, TimeSpan.FromSeconds(90), "chatting on without the given-up silo");
        Assert.DoesNotContain(run.Lines.Skip(from), line => line.Contains($"{victim.Name} restarted", StringComparison.Ordinal));
        Assert.False(run.HasExited, "run.sh exited although a silo and the gateway were still serving");

        conversation.AssertClean(await conversation.SettleAsync(database.ConnectionString, output.WriteLine));
        await conversation.DisposeAsync();

        // 4. Ctrl-C: every process run.sh started is gone, none was restarted, and it exits 0.
        var stoppingFrom = run.Lines.Count;
        RunSh.Signal(run.Id, "INT");
        Assert.True(await run.WaitForExitAsync(TimeSpan.FromSeconds(60)), "run.sh did not stop within 60 s of SIGINT\n" + run.Transcript());
        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain(run.AllChildPids, RunSh.IsAlive);
        Assert.DoesNotContain(run.Lines.Skip(stoppingFrom), line => line.Contains("restart", StringComparison.Ordinal));
        output.WriteLine(run.Transcript());
    }

    [Fact]
    public async Task A_gateway_that_keeps_dying_at_start_is_given_up_on_and_run_sh_exits_1_when_nothing_is_left()
    {
        await using var database = await TestDatabase.CreateAsync();
        // A signing key too short to be safe: the gateway refuses to start, every time.
        var environment = new Dictionary<string, string?>(RoomyLimits) { ["Auth__SigningKey"] = "too-short" };
        await using var run = RunSh.Start(database.ConnectionString, silos: 0, gateways: 1,
            ["--max-restarts", "2", "--restart-window", "600"], environment);

        await run.WaitForLineAsync($@"gateway-0 \(pid \d+\) died \((?:{Failed})\); restarting it in 1 s \(restart 1 of at most 2", Startup);
        await run.WaitForLineAsync($@"gateway-0 \(pid \d+\) died \((?:{Failed})\); restarting it in 2 s \(restart 2 of at most 2", Restart);
        await run.WaitForLineAsync($@"GIVING UP on gateway-0: it died \((?:{Failed})\) after 2 restarts within 600 s", Restart);
        await run.WaitForLineAsync("GAVE UP on every process; nothing is left to serve", TimeSpan.FromSeconds(10));
        Assert.True(await run.WaitForExitAsync(TimeSpan.FromSeconds(30)), "run.sh went on with nothing left to serve\n" + run.Transcript());
        Assert.Equal(1, run.ExitCode);

        // One log, appended to: the first start's output and each restart's, after a marker line.
        var log = await File.ReadAllTextAsync(Path.Combine(run.LogDirectory, "gateway.log"));
        var markers = MarkerLine().Matches(log);
        Assert.Equal(["started", "restarted", "restarted"], markers.Select(m => m.Groups["what"].Value));
        var starts = markers.Select((m, i) => log[(m.Index + m.Length)..(i + 1 < markers.Count ? markers[i + 1].Index : log.Length)]);
        Assert.All(starts, output => Assert.Contains(Gateway.Accounts.AuthOptions.WeakKey, output, StringComparison.Ordinal));
        output.WriteLine(run.Transcript());
    }

    /// <summary>
    /// Joins the room as a careful client does: a cluster that has only just become ready may answer
    /// the first join (the room's first activation) with <c>unavailable</c>, and the client tries again.
    /// </summary>
    private static async Task<Chatter> JoinWhenAvailableAsync(RunSh run, string name, string token, string room)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await Chatter.JoinAsync(() => run.GatewaySocketUri, name, token, room);
            }
            catch (InvalidOperationException ex) when (ex.Message.Contains("unavailable", StringComparison.Ordinal) && deadline.Elapsed < Startup)
            {
                // The pace of a careful client's retries; the loop itself ends on the deadline.
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
        }
    }

    /// <summary>
    /// The silo (name and index) that activated the run's room grain since <paramref name="before"/>
    /// (<see cref="RoomActivationsAsync"/>), as its own /metrics counts activations by grain type:
    /// before any failover, that is the room's host.
    /// </summary>
    private static async Task<(string Name, int Index)> SiloHostingRoomAsync(RunSh run, IReadOnlyList<long> before)
    {
        var now = await RoomActivationsAsync(run, before.Count);
        var host = Assert.Single(Enumerable.Range(0, before.Count), i => now[i] > before[i]);
        return ($"silo-{host}", host);
    }

    /// <summary>How many room grains each silo has activated so far.</summary>
    private static async Task<IReadOnlyList<long>> RoomActivationsAsync(RunSh run, int silos)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var counts = new List<long>();
        for (var i = 0; i < silos; i++)
        {
            var metrics = await http.GetStringAsync(new Uri(run.SiloAdminUri(i), "metrics"));
            counts.Add(RoomActivations().Match(metrics) is { Success: true } created ? long.Parse(created.Groups["count"].Value, CultureInfo.InvariantCulture) : 0);
        }
        return counts;
    }

    [GeneratedRegex(@"^===== run\.sh: \S+ run\.sh (?<what>started|restarted) gateway-0[^\n]*=====$", RegexOptions.Multiline)]
    private static partial Regex MarkerLine();

    [GeneratedRegex(@"^orleans_catalog_activation_created_total\{[^}]*grain_type=""room""[^}]*\} (?<count>\d+)", RegexOptions.Multiline)]
    private static partial Regex RoomActivations();

    /// <summary>The newest generation of the silo on this port that the membership table shows Active, or 0.</summary>
    private static async Task<long> GenerationAsync(TestDatabase database, int siloPort) =>
        await Sql.ScalarAsync<int?>(database.ConnectionString,
            "SELECT Generation FROM OrleansMembershipTable WHERE Port = $1 AND Status = $2 ORDER BY Generation DESC LIMIT 1",
            siloPort, FailoverCluster.Active) ?? 0;
}
