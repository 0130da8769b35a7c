using System.Collections.Concurrent;
using System.Diagnostics;
using ChatApp.Bench.LoadGen.Measure;
using ChatApp.Bench.LoadGen.Protocol;
using ChatApp.Bench.LoadGen.Reporting;
using ChatApp.Bench.LoadGen.Setup;

namespace ChatApp.Bench.LoadGen.Scenarios;

/// <summary>
/// Whether a reaction costs about what a message costs. R rooms of M members, one socket each, one
/// message per room to react to; then on the same sockets two phases at the same fixed rate (open
/// loop, random members): messages, then reactions, each member taking back a reaction it made
/// before and adding one it did not, so that every reaction is a new event every member receives.
/// Reports the server CPU per 1,000 deliveries of each side by side, and checks that every
/// acknowledged event reached every member.
/// </summary>
public sealed class ReactionsScenario(Options options, HttpClient http, SourceAddresses sources) : Scenario(options, http, sources)
{
    private static readonly string[] Emoji = ["👍", "❤️", "😂", "🎉", "😮", "😢", "🔥", "👀"];

    private readonly int _rooms = options.Int("rooms", 20);
    private readonly int _members = options.Int("members", 20);
    private readonly double _rate = options.Double("rate", 100);

    public override string Name => "reactions";

    public override string? PeerCannot =>
        "neither peer has reactions (the SignalR tutorial's hub has none; XMPP's XEP-0444 is not in ejabberd 23.01's MUC archive)";

    public override bool RunsOnBaseline => false;

    public override IReadOnlyList<string> Headline =>
        ["messages.cpuPer1000Deliveries", "reactions.cpuPer1000Deliveries", "reactionToMessageCost", "reactions.ack.p99", "messages.ack.p99"];

    public override IReadOnlyList<Goal> Goals =>
    [
        new("reactions.lost", "reaction deliveries lost", "==", 0),
        new("reactionToMessageCost", "CPU per reaction delivery ÷ CPU per message delivery ≤ 1.5", "<=", 1.5),
    ];

    public override async Task<TargetRun> RunAsync(Target target, Progress progress, CancellationToken cancellationToken)
    {
        var warmup = Seconds("warmup", 3);
        var duration = Seconds("duration", 20);
        Setup["rooms × members"] = $"{_rooms} × {_members} ({_rooms * _members:N0} users, one socket each)";
        Setup["rate"] = $"{_rate}/s in total in each phase, by random members (open loop): messages, then reactions";
        Setup["duration"] = $"each phase {warmup.TotalSeconds} s warm-up (not measured) + {duration.TotalSeconds} s measured";
        var run = new TargetRun { Target = target.Name };
        var count = _rooms * _members;

        progress.Phase("users");
        var users = await Users.CreateAsync(target, $"r{Tag}-", count, cancellationToken);
        run.Details["users"] = Users.Description;
        await using var fleet = new Fleet(target, Sources, NoSink.Instance);
        progress.Phase("connecting", () => $"{fleet.Done:N0}/{count:N0} failed {fleet.FailureCount}");
        await fleet.ConnectAsync(users, Options.Int("concurrency", 64), new Latency("connect", "connect + hello"), cancellationToken);
        string RoomOf(int index) => $"reactions-{Tag}-{index / _members}";
        progress.Phase("joining", () => $"{fleet.Done:N0}/{fleet.Clients.Count:N0} failed {fleet.FailureCount}");
        await fleet.JoinAsync(RoomOf, Options.Int("join-concurrency", Math.Clamp(_rooms * 2, 2, 32)), new Latency("join", "join"), cancellationToken);
        // Rooms where some member joined (a failed join is reported, not fatal); the phases use only these.
        var members = Enumerable.Range(0, _rooms)
            .Select(r => Enumerable.Range(r * _members, _members).Where(fleet.Joined).ToArray())
            .Where(m => m.Length > 0).ToArray();
        if (members.Length == 0)
        {
            throw new InvalidOperationException($"no member joined any room: {string.Join(", ", fleet.Failures.Select(f => $"{f.Value} × {f.Key}"))}");
        }

        // The message of each room that the reactions go to, sent by its first member.
        var targets = new long[_rooms];
        foreach (var inRoom in members)
        {
            var first = inRoom[0];
            var reply = await fleet[first]!.SendAsync(RoomOf(first), $"target-{Tag}-{first / _members}", "react to this");
            targets[first / _members] = reply.Ok ? reply.Value : throw new InvalidOperationException($"the target message of room {first / _members} was refused: {reply.Code}");
        }
        await WaitForQuietAsync(target, QuietPercent, TimeSpan.FromSeconds(Options.Double("settle", 60)), cancellationToken);

        // Member index × emoji: whether that member's reaction is on its room's message now.
        var reacted = new bool[count, Emoji.Length];
        await MeasureAsync(run, "messages", "message", target, fleet, members, progress, (i, client, room) =>
            client.SendAsync(room, $"m{Tag}-{i}", $"message {i}"), warmup, duration, cancellationToken);
        await WaitForQuietAsync(target, QuietPercent, TimeSpan.FromSeconds(30), cancellationToken);
        await MeasureAsync(run, "reactions", "reaction", target, fleet, members, progress, (i, client, room) =>
        {
            var emoji = (int)(i / _rooms % Emoji.Length);
            var add = !reacted[client.Index, emoji];
            reacted[client.Index, emoji] = add;
            return client.ReactAsync(room, targets[client.Index / _members], Emoji[emoji], add);
        }, warmup, duration, cancellationToken);

        var messageCost = run.Figures.FirstOrDefault(f => f.Key == "messages.cpuPer1000Deliveries")?.Value ?? 0;
        var reactionCost = run.Figures.FirstOrDefault(f => f.Key == "reactions.cpuPer1000Deliveries")?.Value ?? 0;
        if (messageCost > 0)
        {
            run.Add("reactionToMessageCost", "CPU per reaction delivery ÷ CPU per message delivery", reactionCost / messageCost, "×");
        }
        run.Add("failed", "connections or joins failed", fleet.FailureCount, "");
        foreach (var (reason, n) in fleet.Failures)
        {
            run.Notes.Add($"{n} × {reason}");
        }
        run.Add("outOfOrder", "out of order + gaps", fleet.Sum(c => c.OutOfOrder) + fleet.Sum(c => c.Gaps), "");
        progress.Phase("closing");
        return run;
    }

    /// <summary>
    /// One phase: <paramref name="act"/> fired at the fixed rate; every event of the phase is one of
    /// its acts, so the events the sockets read in the measured window are its deliveries.
    /// </summary>
    private async Task MeasureAsync(
        TargetRun run, string key, string what, Target target, Fleet fleet, int[][] members, Progress progress,
        Func<long, BenchClient, string, Task<Reply>> act, TimeSpan warmup, TimeSpan duration, CancellationToken cancellationToken)
    {
        var ack = new Latency($"{key}.ack", $"{what} → ack");
        var errors = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        long acked = 0, inFlight = 0;
        var warmupCount = (long)(_rate * warmup.TotalSeconds);
        var eventsBefore = fleet.Sum(c => c.Events);
        CpuWindow? window = null;
        long measuredStarted = 0, measuredEventsFrom = 0;

        void Fire(long i)
        {
            if (i == warmupCount)
            {
                window = new CpuWindow(target.Pids);
                measuredStarted = Stopwatch.GetTimestamp();
                measuredEventsFrom = fleet.Sum(c => c.Events);
            }
            var inRoom = members[(int)(i % members.Length)];
            var client = (BenchClient)fleet[inRoom[Random.Shared.Next(inRoom.Length)]]!; // ChatApp's protocol only (PeerCannot)
            Interlocked.Increment(ref inFlight);
            var measured = i >= warmupCount;
            _ = act(i, client, $"reactions-{Tag}-{client.Index / _members}").ContinueWith(t =>
            {
                var reply = t.Result;
                if (reply.Ok)
                {
                    Interlocked.Increment(ref acked);
                    if (measured)
                    {
                        ack.Record(reply.SentAt, reply.ReceivedAt);
                    }
                }
                else
                {
                    errors.AddOrUpdate(reply.Code ?? "?", 1, (_, n) => n + 1);
                }
                Interlocked.Decrement(ref inFlight);
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        progress.Phase($"{key}", () => $"acked {Interlocked.Read(ref acked):N0} in flight {Interlocked.Read(ref inFlight)} events {fleet.Sum(c => c.Events) - eventsBefore:N0}");
        await OpenLoop.RunAsync(_rate, warmup + duration, Fire, cancellationToken);
        var measuredSeconds = Stopwatch.GetElapsedTime(measuredStarted).TotalSeconds;
        var deliveries = fleet.Sum(c => c.Events) - measuredEventsFrom;
        if (window is not null)
        {
            AddCpu(run, window);
        }
        var cpu = run.CpuPercent;
        run.CpuPhases[key] = cpu;
        var percent = target.Pids.Keys.Sum(k => cpu.GetValueOrDefault(k)) + cpu.GetValueOrDefault("postgres");
        run.Add($"{key}.serverCpu", $"server CPU while sending {key} (processes + PostgreSQL)", percent, "% of a core");
        run.Add($"{key}.deliveryRate", $"{what} deliveries", deliveries / measuredSeconds, "/s", higherIsBetter: true);
        run.Add($"{key}.cpuPer1000Deliveries", $"server CPU per 1,000 {what} deliveries (net of idle)",
            Math.Max(0, percent - IdleCpuPercent) / 100 * 1000 / (deliveries / measuredSeconds / 1000), "ms CPU");
        run.Add(ack);

        // Every acknowledged event reaches every member of its room.
        var owedPerEvent = members.Sum(m => m.Length) / (double)members.Length;
        await WaitUntilAsync(() => Interlocked.Read(ref inFlight) == 0 && fleet.Sum(c => c.Events) - eventsBefore >= acked * owedPerEvent, TimeSpan.FromSeconds(20), cancellationToken);
        var owed = (long)Math.Round(acked * owedPerEvent);
        run.Add($"{key}.acked", $"{what}s acknowledged", acked, "");
        run.Add($"{key}.errors", $"{what} errors", errors.Values.Sum(), "");
        run.Add($"{key}.lost", $"{what} deliveries lost", Math.Max(0, owed - (fleet.Sum(c => c.Events) - eventsBefore)), "");
        foreach (var (code, n) in errors)
        {
            run.Notes.Add($"{n} {what} errors: {code}");
        }
    }
}
