using System.Collections.Concurrent;
using System.Diagnostics;
using ChatApp.Bench.LoadGen.Measure;
using ChatApp.Bench.LoadGen.Protocol;
using ChatApp.Bench.LoadGen.Reporting;
using ChatApp.Bench.LoadGen.Setup;
using Npgsql;

namespace ChatApp.Bench.LoadGen.Scenarios;

/// <summary>
/// Acknowledged sends across many rooms, where each ack means the message is committed in
/// PostgreSQL: first a fixed rate (open loop) for the send-to-ack latency, then as fast as the
/// system answers (a few sends outstanding per socket) for the most acks per second. Afterwards
/// every acknowledged (room, seq) is looked up in the messages table.
/// </summary>
public sealed class DurableScenario(Options options, HttpClient http, SourceAddresses sources) : Scenario(options, http, sources)
{
    public override string Name => "durable";

    public override string? PeerCannot => null;

    public override IReadOnlyList<string> Headline => ["fixedAckRate", "ack.p50", "ackAtMax.p99", "e2e.p99", "cpuPer1000Acks"];

    public override IReadOnlyList<Goal> Goals =>
    [
        new("maxAckRate", "≥ 10,000 acknowledged msg/s (issue 12)", ">=", 10000),
        new("ack.p99", "send → ack p99 ≤ 50 ms at 1,000 msg/s", "<=", 50),
        new("notInDb", "acknowledged but not in PostgreSQL", "==", 0),
        new("lost", "lost deliveries", "==", 0),
    ];

    public override async Task<TargetRun> RunAsync(Target target, Progress progress, CancellationToken cancellationToken)
    {
        var rooms = Options.Int("rooms", 100);
        var members = Options.Int("members", 2);
        var rate = Options.Double("rate", 1000);
        var warmup = Seconds("warmup", 5);
        var duration = Seconds("duration", 30);
        var maxDuration = Seconds("max-duration", 20);
        var window = Options.Int("window", 4);
        Setup["rooms × members"] = $"{rooms} × {members} (one socket per member; every member sends)";
        Setup["fixed-rate phase"] = $"{rate} msg/s, {warmup.TotalSeconds} s warm-up + {duration.TotalSeconds} s measured";
        Setup["max-rate phase"] = $"{window} sends outstanding per socket ({rooms * members * window} in all) for {maxDuration.TotalSeconds} s";
        var run = new TargetRun { Target = target.Name };
        var count = rooms * members;

        progress.Phase("users");
        var users = await Users.CreateAsync(target, $"d{Tag}-", count, cancellationToken);
        run.Details["users"] = Users.Description;

        var e2e = new Latency("e2e", "send → receipt");
        var ack = new Latency("ack", "send → ack");
        var ackMax = new Latency("ackAtMax", "send → ack at max rate");
        var seconds = (int)(warmup + duration + maxDuration).TotalSeconds + 60;
        var ackTimeline = new Timeline("ack", "send → ack", seconds);
        var e2eTimeline = new Timeline("e2e", "send → receipt", seconds);
        var ledger = new MessageLedger(Options.Int("ledger", 1_500_000), e2e, e2eTimeline);
        await using var fleet = new Fleet(target, Sources, ledger);
        var connect = new Latency("connect", "connect + hello");
        progress.Phase("connecting", () => $"{fleet.Done:N0}/{count:N0}");
        await fleet.ConnectAsync(users, 32, connect, cancellationToken);
        string RoomOf(int index) => $"durable-{Tag}-{index / members}";
        var join = new Latency("join", "join");
        progress.Phase("joining", () => $"{fleet.Done:N0}");
        await fleet.JoinAsync(RoomOf, 32, join, cancellationToken);
        progress.Phase("waiting for the servers to be idle");
        await WaitForQuietAsync(target, Options.Double("quiet-percent", 25), TimeSpan.FromSeconds(60), cancellationToken);

        var senders = fleet.Clients.Where(c => fleet.Joined(c.Index)).ToArray();
        var ackedPairs = new ConcurrentBag<(string Room, long Seq)>();
        var errors = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        long inFlight = 0, acked = 0, sent = 0;

        async Task<bool> SendOne(ChatClient client, bool measured, Latency latency)
        {
            var id = ledger.Next();
            if (id < 0)
            {
                return false;
            }
            ledger.Sending(id, measured);
            Interlocked.Increment(ref inFlight);
            Interlocked.Increment(ref sent);
            var room = RoomOf(client.Index);
            var reply = await client.SendAsync(room, $"d{id}", MessageLedger.Text(id));
            if (reply.Ok)
            {
                ackTimeline.Record(reply.SentAt, reply.ReceivedAt);
                ledger.Acknowledged(id, members);
                Interlocked.Increment(ref acked);
                ackedPairs.Add((room, reply.Value));
                if (measured)
                {
                    latency.Record(reply.SentAt, reply.ReceivedAt);
                }
            }
            else
            {
                errors.AddOrUpdate(reply.Code ?? "?", 1, (_, n) => n + 1);
            }
            Interlocked.Decrement(ref inFlight);
            return reply.Ok;
        }

        // Phase 1: a fixed rate, for latency.
        var warmupCount = (long)(rate * warmup.TotalSeconds);
        CpuWindow? cpu = null;
        long phaseStart = 0;
        var silos = target.IsChatApp ? Target.ParseServers(Options.String("silo-metrics") ?? "") : [];
        var messagesAtStart = Task.FromResult<OrleansMessages?>(null);
        long sentAtStart = 0;
        ackTimeline.Start();
        e2eTimeline.Start();
        progress.Phase($"fixed rate {rate}/s", () => $"sent {sent:N0} acked {acked:N0} in flight {inFlight} errors {errors.Values.Sum()}");
        await OpenLoop.RunAsync(rate, warmup + duration, i =>
        {
            if (i == warmupCount)
            {
                cpu = new CpuWindow(target.Pids);
                phaseStart = Stopwatch.GetTimestamp();
                sentAtStart = Interlocked.Read(ref sent);
                messagesAtStart = OrleansMessages.ReadAsync(silos, cancellationToken);
            }
            _ = SendOne(senders[i % senders.Length], i >= warmupCount, ack);
        }, cancellationToken);
        var fixedSeconds = Stopwatch.GetElapsedTime(phaseStart).TotalSeconds;
        if (cpu is not null)
        {
            run.Details["cpu at fixed rate"] = string.Join(", ", cpu.Stop().Select(c => $"{c.Key} {c.Value}%"));
        }
        if (await messagesAtStart is { } atStart && await OrleansMessages.ReadAsync(silos, cancellationToken) is { } atEnd)
        {
            atEnd.Since(atStart).AddPer(run, "orleansPerMessage", Interlocked.Read(ref sent) - sentAtStart, "chat message at the fixed rate");
        }
        await WaitUntilAsync(() => Interlocked.Read(ref inFlight) == 0, TimeSpan.FromSeconds(20), cancellationToken);

        // Phase 2: as fast as acks come back.
        var ackedBefore = Interlocked.Read(ref acked);
        var deadline = Stopwatch.GetTimestamp() + (long)(maxDuration.TotalSeconds * Stopwatch.Frequency);
        progress.Phase("max rate", () => $"acked {acked - ackedBefore:N0} in flight {inFlight} errors {errors.Values.Sum()}");
        var maxCpu = new CpuWindow(target.Pids);
        var maxStarted = Stopwatch.GetTimestamp();
        await Task.WhenAll(senders.SelectMany(client => Enumerable.Range(0, window).Select(async _ =>
        {
            while (Stopwatch.GetTimestamp() < deadline && !cancellationToken.IsCancellationRequested)
            {
                if (!await SendOne(client, measured: true, ackMax) && !client.IsOpen)
                {
                    return;
                }
            }
        })));
        var maxSeconds = Stopwatch.GetElapsedTime(maxStarted).TotalSeconds;
        AddCpu(run, maxCpu);
        var maxAcked = Interlocked.Read(ref acked) - ackedBefore;

        progress.Phase("waiting for the last deliveries", () => $"owed {ledger.Outstanding():N0}");
        await WaitUntilAsync(() => ledger.Outstanding() == 0, TimeSpan.FromSeconds(20), cancellationToken);
        var (lost, extra, _) = ledger.Tally();

        run.Add("fixedAckRate", $"acked/s at {rate}/s offered", ack.Count / fixedSeconds, "msg/s", higherIsBetter: true);
        run.Add(ack);
        run.Add("maxAckRate", "max acknowledged msg/s", maxAcked / maxSeconds, "msg/s", higherIsBetter: true);
        run.Add(ackMax);
        AddCpuCost(run, target, maxAcked / maxSeconds / 1000, "cpuPer1000Acks", "server CPU per 1,000 acknowledged sends (max-rate phase)");
        run.Add(e2e);
        run.Add(ackTimeline);
        run.Add(e2eTimeline);
        run.Add("sendErrors", "send errors", errors.Values.Sum(), "");
        run.Add("lost", "lost deliveries", lost, "");
        run.Add("duplicates", "duplicates", fleet.Sum(c => c.Duplicates) + extra, "");
        run.Add("outOfOrder", "out of order + gaps", fleet.Sum(c => c.OutOfOrder) + fleet.Sum(c => c.Gaps), "");

        if (StoredQuery(target) is var (db, sql))
        {
            // Each system's acknowledgement is checked against its own table: ChatApp's messages
            // (room, seq), the SignalR hub's messages (room, id), ejabberd's MAM archive (room, stanza id).
            progress.Phase("checking every ack in PostgreSQL");
            var stored = new HashSet<(string, long)>();
            await using var source = NpgsqlDataSource.Create(db);
            await using var cmd = source.CreateCommand(sql);
            cmd.Parameters.AddWithValue($"durable-{Tag}-%");
            await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    stored.Add((reader.GetString(0), reader.GetInt64(1)));
                }
            }
            run.Add("notInDb", "acknowledged but not in PostgreSQL", ackedPairs.Count(p => !stored.Contains(p)), "");
            run.Add("rowsInDb", "message rows in PostgreSQL", stored.Count, "");
        }
        foreach (var (code, n) in errors)
        {
            run.Notes.Add($"{n} send errors: {code}");
        }
        foreach (var (reason, n) in fleet.Failures)
        {
            run.Notes.Add($"{n} × {reason}");
        }
        progress.Phase("closing");
        return run;
    }

    /// <summary>The database and the query of (room, acknowledged number) rows of a system, for rooms LIKE $1; null when not given.</summary>
    private (string Db, string Sql)? StoredQuery(Target target) => target.Protocol switch
    {
        ClientProtocol.ChatApp when target.IsChatApp && Options.String("db") is { } db => (db, "SELECT room, seq FROM messages WHERE room LIKE $1"),
        ClientProtocol.SignalR when Options.String("signalr-db") is { } db => (db, "SELECT room, id FROM messages WHERE room LIKE $1"),
        // mod_mam's archive keeps a room's messages under the room's JID; the stanza id is the timestamp column.
        ClientProtocol.Xmpp when Options.String("ejabberd-db") is { } db => (db, "SELECT split_part(username, '@', 1), timestamp FROM archive WHERE username LIKE $1 AND kind = 'groupchat'"),
        _ => null,
    };
}
