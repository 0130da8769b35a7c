using System.Diagnostics;
using System.Globalization;
using ChatApp.Bench.LoadGen.Hold;
using ChatApp.Bench.LoadGen.Measure;
using ChatApp.Bench.LoadGen.Protocol;
using ChatApp.Bench.LoadGen.Reporting;
using ChatApp.Bench.LoadGen.Setup;

namespace ChatApp.Bench.LoadGen.Scenarios;

/// <summary>
/// One room of N members (20,000), one socket each: how long it takes all of them to join, then
/// messages sent to the room at a low rate and the latency from each send to each of the N
/// receipts, with the contract checked (every acknowledged message read once by every member, in
/// seq order). N sockets do not fit in one process (open-file limit), so, as in connections, they
/// are held by holder processes and spread over two gateways (baseline: two processes); the load
/// generator keeps one sender socket per server. The baseline's rooms live in each process apart,
/// so there each message is sent once per process (same number, each copy to that process's
/// members); ChatApp's gateways share the room, and each message is sent once.
/// </summary>
public sealed class BigRoomScenario(Options options, HttpClient http, SourceAddresses sources) : Scenario(options, http, sources)
{
    private const int Wanted = 20_000;

    public override string Name => "bigroom";

    public override string? PeerCannot =>
        "its holder processes speak only ChatApp's protocol so far (hotroom is the peers' large room)";

    public override IReadOnlyList<string> Headline =>
        ["joinRate", "join.p50", "join.p99", "joinOthers", "e2e.p50", "ack.p99", "resyncs", "rssAfterJoin", "kbPerMember", "messageOthers"];

    public override IReadOnlyList<Goal> Goals =>
    [
        new("joined", $"members joined (of {Options.Int("n", Wanted):N0})", ">=", Options.Int("n", Wanted)),
        new("joinSeconds", "join time for all ≤ 20 s", "<=", 20),
        new("e2e.p99", "send → receipt p99 over all members ≤ 250 ms", "<=", 250),
        new("lost", "messages lost (deliveries)", "==", 0),
        new("duplicates", "duplicated", "==", 0),
        new("outOfOrder", "out of order or gaps", "==", 0),
    ];

    public override async Task<TargetRun> RunAsync(Target target, Progress progress, CancellationToken cancellationToken)
    {
        var n = Options.Int("n", Wanted);
        var senders = target.Servers.Count;
        var room = (int)Math.Max(1000, HolderProcess.OpenFileLimit() - 1000);
        var perProcess = Options.Int("per-process", Math.Min(10_000, room));
        var holders = (n - senders + perProcess - 1) / perProcess;
        var joinLimit = Seconds("join-seconds", 90);
        var joinConcurrency = Options.Int("join-concurrency", 4);
        var rate = Options.Double("rate", 1);
        var duration = Seconds("duration", 20);
        var drain = Seconds("drain", 15);
        var messages = (int)(rate * duration.TotalSeconds);
        Setup["members"] = $"{n:N0} in 1 room: {senders} sender socket(s) in the load generator (one per server) + {n - senders:N0} in {holders} holder processes of at most {perProcess:N0}; socket i goes to server i mod {senders}";
        Setup["joins"] = $"{joinConcurrency} in flight in all ({Math.Max(1, joinConcurrency / holders)} per holder); none starts after {joinLimit.TotalSeconds} s (--join-seconds), those in flight finish; join time = first join sent to last reply";
        Setup["messages"] = $"{messages} at {rate} msg/s (--rate, --duration) from the sender socket(s), after the joins' work drained (up to --settle 120 s); a delivery not read {drain.TotalSeconds} s after the last send counts as lost (--drain)";
        Setup["baseline"] = "its 2 processes keep rooms apart: each message goes once to each process (same number), each copy owed to that process's members";
        if (n < Wanted)
        {
            GoalNotes["joined"] = $"run at {n:N0} members, not the issue's {Wanted:N0}";
        }
        var run = new TargetRun { Target = target.Name };
        var roomName = $"big-{Tag}-{target.Name}";

        progress.Phase("users");
        var users = await Users.CreateAsync(target, $"b{Tag}-", n, cancellationToken);
        run.Details["users"] = Users.Description;

        var processes = new List<HolderProcess>();
        var senderLog = new ReceiptLog();
        await using var senderFleet = new Fleet(target, Sources, senderLog);
        try
        {
            for (var h = 0; h < holders; h++)
            {
                processes.Add(HolderProcess.Start(Options.Double("max-seconds", 900)));
            }
            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
            var rssBefore = target.RssBytes();

            // ── Connect ──
            var connect = new Latency("connect", "connect + hello");
            progress.Phase("connecting", () => $"{processes.Sum(p => p.Progress.Done) + senderFleet.Done:N0}/{n:N0} failed {processes.Sum(p => p.Progress.Failed)}");
            var cpu = new CpuWindow(target.Pids);
            var started = Stopwatch.GetTimestamp();
            var servers = target.Servers.Select(s => s.ToString()).ToList();
            var connecting = processes.Select((p, h) => p.AskAsync(
                new HolderCommand("connect", servers, users.Skip(senders + h * perProcess).Take(perProcess).ToList(), senders + h * perProcess, Math.Max(1, 64 / holders)),
                TimeSpan.FromMinutes(10), cancellationToken)).ToList();
            await senderFleet.ConnectAsync(users.Take(senders).ToList(), senders, connect, cancellationToken);
            var connected = await Task.WhenAll(connecting);
            run.Add("connectRate", "connect rate (connect + hello)", n / Stopwatch.GetElapsedTime(started).TotalSeconds, "/s", higherIsBetter: true);
            run.CpuPhases["connect"] = cpu.Stop();
            foreach (var answer in connected)
            {
                connect.Add(answer.Latency ?? []);
            }
            run.Add(connect);
            progress.Phase("draining the connects' work (servers idle)");
            await WaitForQuietAsync(target, QuietPercent, TimeSpan.FromSeconds(60), cancellationToken);

            // ── Join: the senders first, then every holder's sockets at once ──
            var join = new Latency("join", "join");
            progress.Phase("joining", () => $"{processes.Sum(p => p.Progress.Done) + senderFleet.Done:N0}/{n:N0} failed {processes.Sum(p => p.Progress.Failed)}");
            cpu = new CpuWindow(target.Pids);
            started = Stopwatch.GetTimestamp();
            await senderFleet.JoinAsync(_ => roomName, 1, join, cancellationToken);
            var joinedAnswers = await Task.WhenAll(processes.Select(p => p.AskAsync(
                new HolderCommand("join", Room: roomName, Concurrency: Math.Max(1, joinConcurrency / holders), Seconds: joinLimit.TotalSeconds),
                joinLimit + TimeSpan.FromMinutes(3), cancellationToken)));
            var joinSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var joinCpu = cpu.Stop();
            run.CpuPhases["joins"] = joinCpu;
            foreach (var answer in joinedAnswers)
            {
                join.Add(answer.Latency ?? []);
            }
            var joined = senderFleet.JoinedCount + joinedAnswers.Sum(a => a.Joined);
            run.Add("joined", "members joined", joined, "", higherIsBetter: true);
            run.Add("notTried", $"members that did not try to join (none starts after {joinLimit.TotalSeconds} s)", joinedAnswers.Sum(a => a.NotTried), "");
            run.Add("joinSeconds", "join time (first join sent → last reply)", joinSeconds, "s");
            run.Add("joinRate", "join rate", joined / joinSeconds, "/s", higherIsBetter: true);
            run.Add(join);
            run.Add("joinOthers", "others during the joins", joinCpu.GetValueOrDefault("others"), "% of a core");
            var rssAfterJoin = target.RssBytes();
            run.Add("rssAfterJoin", "RSS of the servers with all joined", Mb(rssAfterJoin), "MB");
            var open = connected.Sum(a => a.Open) + senderFleet.OpenCount;
            run.Add("kbPerMember", "RSS growth per socket (connect + hello, and join for those that joined)", open == 0 ? 0 : (rssAfterJoin - rssBefore) / 1024.0 / open, "KB");

            // Each join's event reaches every member already in: O(N²) frames that drain before messages.
            progress.Phase("draining the joins' work (servers idle)");
            run.Add("settle", "the joins' work drained in (servers idle)", await WaitForQuietAsync(target, QuietPercent, Seconds("settle", 120), cancellationToken), "s");

            // ── Messages ──
            var sentAt = new long[messages];
            var copiesOk = new int[messages];
            var ack = new Latency("ack", "send → ack");
            var errors = new Dictionary<string, int>(StringComparer.Ordinal);
            var sending = new List<Task>();
            // ChatApp: one send, from the first gateway's socket; the baseline: one per process.
            var copies = target.IsChatApp ? 1 : senders;
            progress.Phase($"sending {messages} messages at {rate} msg/s", () => $"acked {copiesOk.Count(c => c == copies)}");
            cpu = new CpuWindow(target.Pids);
            await OpenLoop.RunAsync(rate, duration, i =>
            {
                sentAt[i] = Stopwatch.GetTimestamp();
                for (var s = 0; s < copies; s++)
                {
                    if (senderFleet[s] is not { } client)
                    {
                        continue;
                    }
                    var id = (int)i;
                    sending.Add(client.SendAsync(roomName, $"m{id}-{s}", MessageLedger.Text(id)).ContinueWith(t =>
                    {
                        var reply = t.Result;
                        lock (errors)
                        {
                            if (reply.Ok)
                            {
                                copiesOk[id]++;
                                ack.Record(reply.SentAt, reply.ReceivedAt);
                            }
                            else
                            {
                                errors[reply.Code ?? "?"] = errors.GetValueOrDefault(reply.Code ?? "?") + 1;
                            }
                        }
                    }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default));
                }
            }, cancellationToken);
            await Task.WhenAll(sending).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            progress.Phase($"waiting {drain.TotalSeconds} s for the last deliveries");
            await Task.Delay(drain, cancellationToken);
            var messageCpu = cpu.Stop();
            run.CpuPhases["messages"] = messageCpu;

            var e2e = new Latency("e2e", "send → receipt (all members)");
            var received = senderLog.Tally(sentAt, e2e);
            var tallies = await Task.WhenAll(processes.Select(p => p.AskAsync(new HolderCommand("tally", SentAt: sentAt), TimeSpan.FromMinutes(2), cancellationToken)));
            foreach (var tally in tallies)
            {
                e2e.Add(tally.Latency ?? []);
                for (var i = 0; i < messages && i < (tally.Received?.Count ?? 0); i++)
                {
                    received[i] += tally.Received![i];
                }
            }
            long lost = 0, extra = 0;
            for (var i = 0; i < messages; i++)
            {
                if (copiesOk[i] == copies)
                {
                    lost += Math.Max(0, joined - received[i]);
                    extra += Math.Max(0, received[i] - joined);
                }
            }
            var acked = copiesOk.Count(c => c == copies);
            run.Add("sent", "messages sent", messages, "");
            run.Add("acked", "messages acknowledged (every copy)", acked, "", higherIsBetter: true);
            run.Add(ack);
            run.Add(e2e);
            run.Add("expected", "deliveries owed (acknowledged × members joined)", (long)acked * joined, "");
            run.Add("lost", "lost deliveries", lost, "");
            run.Add("duplicates", "duplicates", tallies.Sum(t => t.Duplicates) + senderFleet.Sum(c => c.Duplicates) + extra, "");
            run.Add("outOfOrder", "out of order + gaps", tallies.Sum(t => t.OutOfOrder) + senderFleet.Sum(c => c.OutOfOrder + c.Gaps), "");
            run.Add("resyncs", "resync frames", tallies.Sum(t => t.Resyncs) + senderFleet.Sum(c => c.Resyncs), "");
            run.Add("openAfter", "sockets open at the end", tallies.Sum(t => t.Open) + senderFleet.OpenCount, "", higherIsBetter: true);
            run.Add("messageOthers", "others during the messages", messageCpu.GetValueOrDefault("others"), "% of a core");
            run.Add("rssAfter", "RSS of the servers at the end", Mb(target.RssBytes()), "MB");
            foreach (var (code, count) in errors)
            {
                run.Notes.Add($"{count} send errors: {code}");
            }
            // A holder's failures are counted from its connects on, so its last answer holds them all.
            var failures = joinedAnswers.SelectMany(a => a.Failures ?? new Dictionary<string, int>())
                .Concat(senderFleet.Failures).GroupBy(f => f.Key).Select(g => $"{g.Sum(f => f.Value)} × {g.Key}");
            run.Notes.AddRange(failures);
            progress.Phase("closing");
        }
        finally
        {
            await Task.WhenAll(processes.Select(p => p.DisposeAsync().AsTask()));
        }
        return run;
    }
}
