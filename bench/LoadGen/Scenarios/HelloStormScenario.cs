using System.Diagnostics;
using System.Globalization;
using ChatApp.Bench.LoadGen.Measure;
using ChatApp.Bench.LoadGen.Protocol;
using ChatApp.Bench.LoadGen.Reporting;
using ChatApp.Bench.LoadGen.Setup;

namespace ChatApp.Bench.LoadGen.Scenarios;

/// <summary>
/// A reconnect storm: N sockets are opened first (no hello), then every one says <c>hello</c> at
/// the same moment, as after a gateway restart. bench.sh runs it against a PostgreSQL with the
/// default max_connections (100), so that the servers' pools compete for too few connections the
/// way they would on a default install. Reports which hellos succeeded, why the others failed
/// (error code, or the close code of a socket the server closed) and how long they took.
/// </summary>
public sealed class HelloStormScenario(Options options, HttpClient http, SourceAddresses sources) : Scenario(options, http, sources)
{
    public override string Name => "hellostorm";

    public override string? PeerCannot =>
        "it times ChatApp's hello apart from the connect; the peers authenticate during the connect (connections measures both)";

    public override IReadOnlyList<Goal> Goals => [];

    public override IReadOnlyList<string> Headline =>
        ["succeeded", "failed", "hello.p50", "hello.p99", "hello.max", "helloRate", "cpuPer1000Hellos", "stormOthers"];

    /// <summary>
    /// Each user says hello on a socket of its own, joins its rooms (user i is in room i ÷ size of each
    /// of the families), and closes again: their sessions stay in the silos, their rooms hold them.
    /// </summary>
    private async Task JoinRoomsAsync(Target target, IReadOnlyList<BenchUser> users, int roomsPerUser, int roomSize, int storm, Progress progress, CancellationToken cancellationToken)
    {
        var done = 0;
        progress.Phase("joining rooms (before the storm)", () => $"{Volatile.Read(ref done):N0}/{users.Count:N0} users");
        await Parallel.ForEachAsync(Enumerable.Range(0, users.Count), new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var client = await BenchClient.ConnectAsync(target.WebSocketFor(i), Sources.Next(), i, users[i].Name, NoSink.Instance, ct);
                try
                {
                    Ensure(await client.HelloAsync(users[i].Token), "hello");
                    for (var family = 0; family < roomsPerUser; family++)
                    {
                        Ensure(await client.JoinAsync(storm == 1 ? $"h{Tag}-{family}-{i / roomSize}" : $"h{Tag}s{storm}-{family}-{i / roomSize}"), "join");
                    }
                }
                finally
                {
                    await client.CloseAsync(TimeSpan.FromSeconds(5));
                }
                Interlocked.Increment(ref done);
            });
        await WaitForQuietAsync(target, QuietPercent, TimeSpan.FromSeconds(30), cancellationToken);
    }

    private static void Ensure(Reply reply, string what)
    {
        if (!reply.Ok)
        {
            throw new InvalidOperationException($"{what} before the storm failed: {reply.Code} {reply.Message}");
        }
    }

    private static string Close(BenchClient client) =>
        client.CloseStatus is { } status ? $"close code {(int)status} ({status})" : "no close frame (aborted)";

    public override async Task<TargetRun> RunAsync(Target target, Progress progress, CancellationToken cancellationToken)
    {
        var n = Options.Int("n", 5000);
        var storms = Options.Int("storms", 1);
        var limit = Seconds("hello-timeout", 90);
        Setup["sockets"] = $"{n:N0}, opened first (64 at a time, not measured), then every hello written at once";
        Setup["hello timeout"] = $"{limit.TotalSeconds} s (a hello not answered by then counts as failed: timeout); the gateway's own wait for a hello is raised to 3 minutes for this scenario (Gateway__HelloTimeout), since its 10 s would close the first sockets while the last are opening";
        if (Options.String("pg-max-connections") is { } max)
        {
            Setup["PostgreSQL max_connections"] = max;
        }
        var roomsPerUser = Options.Int("rooms-per-user", 0);
        var roomSize = Options.Int("room-size", 50);
        if (roomsPerUser > 0)
        {
            Setup["rooms"] = $"each user in {roomsPerUser} room(s) of {roomSize}, joined before the storm on sockets closed again: the storm is the members of live rooms coming back, as after a gateway restart";
        }
        if (storms > 1)
        {
            Setup["storms"] = $"{storms}, one after another on the same servers, each of {n:N0} users of its own: the first meets servers that have served nothing (as after a deploy), the later ones servers that have (figures suffixed with the storm's number)";
        }
        var run = new TargetRun { Target = target.Name };
        for (var storm = 1; storm <= storms; storm++)
        {
            progress.Phase("users");
            var users = await Users.CreateAsync(target, storm == 1 ? $"h{Tag}-" : $"h{Tag}s{storm}-", n, cancellationToken);
            run.Details["users"] = Users.Description;
            if (roomsPerUser > 0)
            {
                await JoinRoomsAsync(target, users, roomsPerUser, roomSize, storm, progress, cancellationToken);
                run.Details["rooms"] = $"{n * roomsPerUser:N0} joins into {roomsPerUser * ((n + roomSize - 1) / roomSize):N0} rooms before each storm";
            }
            await StormAsync(target, users, run, storm == 1 ? "" : storm.ToString(CultureInfo.InvariantCulture), limit, progress, cancellationToken);
        }
        return run;
    }

    /// <summary>
    /// One storm: every user's socket opened, then every hello written at once. Its figures go under
    /// the usual keys with <paramref name="suffix"/> after them (empty for the first storm).
    /// </summary>
    private async Task StormAsync(Target target, IReadOnlyList<BenchUser> users, TargetRun run, string suffix, TimeSpan limit, Progress progress, CancellationToken cancellationToken)
    {
        var n = users.Count;
        var ofStorm = suffix.Length == 0 ? "" : $" (storm {suffix})";
        var clients = new BenchClient?[n];
        var failures = new Dictionary<string, int>(StringComparer.Ordinal);
        void Fail(string reason)
        {
            lock (failures)
            {
                failures[reason] = failures.GetValueOrDefault(reason) + 1;
            }
        }
        try
        {
            var opened = 0;
            var opening = Stopwatch.GetTimestamp();
            progress.Phase($"opening sockets (no hello yet){ofStorm}", () => $"{Volatile.Read(ref opened):N0}/{n:N0}");
            await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken },
                async (i, ct) =>
                {
                    try
                    {
                        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                        timeout.CancelAfter(TimeSpan.FromSeconds(30));
                        clients[i] = await BenchClient.ConnectAsync(target.WebSocketFor(i), Sources.Next(), i, users[i].Name, NoSink.Instance, timeout.Token);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                    {
                        Fail("connect " + ex.GetType().Name);
                    }
                    Interlocked.Increment(ref opened);
                });
            run.Add("openSeconds" + suffix, "sockets opened in (before any hello)" + ofStorm, Stopwatch.GetElapsedTime(opening).TotalSeconds, "s");
            // Opening sockets costs the servers little; what it left behind drains before the storm,
            // briefly: the first sockets are waiting for their hello (bench.sh gives the gateway 3 minutes).
            await WaitForQuietAsync(target, QuietPercent, TimeSpan.FromSeconds(10), cancellationToken);

            var hello = new Latency("hello" + suffix, "hello → reply (all written at once)" + ofStorm);
            var answered = 0;
            progress.Phase($"hello storm{ofStorm}", () => $"answered {Volatile.Read(ref answered):N0}/{n:N0}");
            var cpu = new CpuWindow(target.Pids);
            await using var jit = new PhaseCpu(target.Pids);
            var released = Stopwatch.GetTimestamp();
            // Written one after another without waiting for any reply: the whole storm is on the wire within milliseconds.
            var hellos = clients.Select((c, i) => c is null ? Task.FromResult<Reply?>(null) : Answer(c.HelloAsync(users[i].Token))).ToArray();
            async Task<Reply?> Answer(Task<Reply> request)
            {
                try
                {
                    return await request.WaitAsync(limit, cancellationToken);
                }
                catch (TimeoutException)
                {
                    return Reply.Failed("timeout", $"no reply within {limit.TotalSeconds} s", 0);
                }
                finally
                {
                    Interlocked.Increment(ref answered);
                }
            }
            var replies = await Task.WhenAll(hellos);
            var ok = 0;
            var lastOk = released;
            for (var i = 0; i < n; i++)
            {
                if (replies[i] is not { } reply)
                {
                    continue;
                }
                if (reply.Ok)
                {
                    ok++;
                    hello.Record(reply.SentAt, reply.ReceivedAt);
                    lastOk = Math.Max(lastOk, reply.ReceivedAt);
                }
                else
                {
                    Fail(reply.Code switch
                    {
                        "closed" => $"socket closed by the server before the reply: {Close(clients[i]!)}",
                        "socket" => $"socket closed before the hello could be written: {Close(clients[i]!)}",
                        _ => $"hello error {reply.Code}: {reply.Message}",
                    });
                }
            }
            var stormSeconds = Stopwatch.GetElapsedTime(released).TotalSeconds;
            var (_, jitPercent, _) = await jit.StopAsync();
            var stormCpu = cpu.Stop();
            if (suffix.Length == 0)
            {
                run.CpuPercent = stormCpu;
            }
            else
            {
                run.CpuPhases["storm " + suffix] = stormCpu;
            }
            var okSeconds = Stopwatch.GetElapsedTime(released, lastOk).TotalSeconds;

            run.Add("succeeded" + suffix, "hellos answered ok" + ofStorm, ok, "", higherIsBetter: true);
            run.Add("failed" + suffix, "failed (connect, hello error, closed, timeout)" + ofStorm, n - ok, "");
            run.Add(hello);
            run.Add("helloRate" + suffix, "hellos/s (ok ÷ time from the release to the last ok reply)" + ofStorm, okSeconds > 0 ? ok / okSeconds : 0, "/s", higherIsBetter: true);
            run.Add("stormSeconds" + suffix, "storm: release to last reply" + ofStorm, stormSeconds, "s");
            var perThousand = ok > 0 ? 1000.0 / ok * stormSeconds / 100 * 1000 : 0; // ms of CPU per 1,000 hellos for each % of a core
            var serverPercent = ServerPercent(target, stormCpu);
            if (suffix.Length == 0)
            {
                AddCpuCost(run, target, okSeconds > 0 ? ok / stormSeconds / 1000 : 0, "cpuPer1000Hellos", "server CPU per 1,000 hellos");
            }
            else
            {
                run.Add("cpuPer1000Hellos" + suffix, "server CPU per 1,000 hellos (net of idle)" + ofStorm, Math.Max(0, serverPercent - IdleCpuPercent) * perThousand, "ms CPU");
            }
            run.Add("jitPer1000Hellos" + suffix, "… of which the servers' JIT (tiered compilation)" + ofStorm, jitPercent * perThousand, "ms CPU");
            run.Add("stormOthers" + suffix, "other processes on the machine during the storm (> 10 %: latencies are upper bounds)" + ofStorm, stormCpu.GetValueOrDefault("others"), "% of a core");
            run.Add("openAfter" + suffix, "sockets still open after the storm" + ofStorm, clients.Count(c => c is { IsOpen: true }), "");
            foreach (var (reason, count) in failures.OrderByDescending(f => f.Value))
            {
                run.Notes.Add(string.Create(CultureInfo.InvariantCulture, $"{count:N0} × {reason}{ofStorm}"));
            }
            progress.Phase("closing" + ofStorm);
        }
        finally
        {
            await Parallel.ForEachAsync(clients.Where(c => c is not null), new ParallelOptions { MaxDegreeOfParallelism = 500 },
                async (c, _) => await c!.CloseAsync(TimeSpan.FromSeconds(5)));
        }
    }
}
