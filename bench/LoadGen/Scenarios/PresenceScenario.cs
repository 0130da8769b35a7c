using System.Diagnostics;
using System.Globalization;
using ChatApp.Bench.LoadGen.Measure;
using ChatApp.Bench.LoadGen.Protocol;
using ChatApp.Bench.LoadGen.Reporting;
using ChatApp.Bench.LoadGen.Setup;

namespace ChatApp.Bench.LoadGen.Scenarios;

/// <summary>
/// The fan-out of ephemeral frames in one room of M online members (one socket each). Presence:
/// a few members ("cyclers") in turn close their socket and, after a hold, reconnect, say hello and
/// join again; each close and each hello is a presence change every other member's socket should
/// see. Typing: distinct members send <c>typing</c> at a fixed aggregate rate, each no more often
/// than the server's throttle (one per user per room per 3 s) lets through. For both: frames per
/// change, latency from the action to each receipt, frames owed and never read, and server CPU per
/// change and per 1,000 frames, net of what the servers burn holding M idle members. ChatApp only:
/// the baseline speaks neither presence nor typing.
/// </summary>
public sealed class PresenceScenario(Options options, HttpClient http, SourceAddresses sources) : Scenario(options, http, sources)
{
    // The relay lets one typing notice per user and room through every 3 s (RoomRelayGrain.TypingInterval).
    private const double TypingThrottleSeconds = 3;

    private readonly Lock _stateGate = new();
    private bool[] _settled = [];

    public override string Name => "presence";

    public override string? PeerCannot =>
        "its presence and typing accounting reads ChatApp's frames; XMPP's MUC presence and XEP-0085 typing are not mapped in the bench yet, and the tutorial hub has neither";

    public override bool RunsOnBaseline => false;

    public override IReadOnlyList<Goal> Goals => [];

    public override IReadOnlyList<string> Headline =>
    [
        "setupSeconds", "joinRate", "heldIdleCpu",
        "presencePerChange", "presence.p50", "presence.p99", "presence.max", "presenceLost",
        "cpuPerPresenceChange", "cpuPer1000PresenceDeliveries",
        "typingPerNotice", "typing.p50", "typing.p99", "typing.max", "typingLost",
        "cpuPerTypingNotice", "cpuPer1000TypingDeliveries",
    ];

    public override async Task<TargetRun> RunAsync(Target target, Progress progress, CancellationToken cancellationToken)
    {
        var members = Options.Int("members", 1000);
        var cyclers = Options.Int("cyclers", 40);
        var presenceRate = Options.Double("presence-rate", 4);
        var hold = Seconds("hold", 2);
        var presenceDuration = Seconds("presence-duration", 30);
        var typists = Options.Int("typists", 50);
        var typingRate = Options.Double("typing-rate", 10);
        var typingDuration = Seconds("typing-duration", 30);
        var idleWindow = Seconds("idle-window", 20);
        var bound = Seconds("bound", 10);
        var rejoin = Options.String("rejoin", "true") is not ("false" or "0" or "no");
        if (cyclers + typists > members || cyclers < 1 || typists < 1)
        {
            throw new InvalidOperationException("--cyclers and --typists are distinct members: 1 or more each, together at most --members");
        }
        // A cycler comes round again after cyclers / cycle rate seconds; by then its last change must be over.
        var revisit = cyclers / (presenceRate / 2);
        if (revisit < hold.TotalSeconds + bound.TotalSeconds)
        {
            throw new InvalidOperationException($"each cycler would cycle again after {revisit:0.#} s, before its hold and the loss bound ({hold.TotalSeconds + bound.TotalSeconds} s) are over: more --cyclers or a lower --presence-rate");
        }

        Setup["room"] = $"1 room of {members:N0} members, one authenticated socket each, all joined (online)";
        Setup["presence load"] = $"{presenceRate} changes/s for {presenceDuration.TotalSeconds} s: {cyclers} members in turn close their socket (offline) and after {hold.TotalSeconds} s reconnect and say hello{(rejoin ? ", then join again" : "")} (online); latency from the close / the hello frame";
        Setup["typing load"] = $"{typingRate} typing notices/s for {typingDuration.TotalSeconds} s by {typists} distinct members in turn, each every {typists / typingRate:0.#} s (the server passes one per user per room per {TypingThrottleSeconds} s)";
        Setup["owed and lost"] = $"a frame is owed to every member whose socket was open and in the room when the change was caused (not the changing member; for presence not the cyclers away or reconnecting then, nor a cycler that closes within 1 s after the change before reading it); one not read within {bound.TotalSeconds} s after the phase is lost";
        Setup["server CPU per change"] = $"CPU of the gateway, silos and PostgreSQL over the phase (drain included), less their CPU with the {members:N0} members online and nothing sent (lease renewals, presence refreshes, pings) over {idleWindow.TotalSeconds} s after the typing phase, divided by the changes or deliveries; a window of {idleWindow.TotalSeconds} s before the presence phase is reported too";
        if (typists / typingRate < TypingThrottleSeconds * 1.2)
        {
            Setup["typing load"] += $"; NOTE: closer than the throttle allows with a margin, so notices dropped by the server count as lost";
        }
        if (members != 1000)
        {
            Setup["room"] += " (not the issue's 1,000)";
        }
        var run = new TargetRun { Target = target.Name };
        var room = $"presence-{Tag}";
        var prefix = $"p{Tag}-";

        // ── Setup: users, sockets, joins (each join is a presence change to the members already in) ──
        var setupStarted = Stopwatch.GetTimestamp();
        progress.Phase("users");
        var users = await Users.CreateAsync(target, prefix, members, cancellationToken);
        run.Details["users"] = Users.Description;
        run.Add("usersSeconds", "setup: users made", Stopwatch.GetElapsedTime(setupStarted).TotalSeconds, "s");

        var receipts = new EphemeralReceipts(prefix, room);
        await using var fleet = new Fleet(target, Sources, receipts);
        var connect = new Latency("connect", "connect + hello");
        progress.Phase("connecting", () => $"{fleet.Done:N0}/{members:N0} failed {fleet.FailureCount}");
        var connectStarted = Stopwatch.GetTimestamp();
        var connectRate = await fleet.ConnectAsync(users, Options.Int("concurrency", 64), connect, cancellationToken);
        run.Add("connectSeconds", "setup: connect + hello of all", Stopwatch.GetElapsedTime(connectStarted).TotalSeconds, "s");

        var join = new Latency("join", "join");
        progress.Phase("joining", () => $"{fleet.Done:N0}/{fleet.Clients.Count:N0} failed {fleet.FailureCount} events {fleet.Sum(c => c.Events):N0} presence frames {receipts.PresenceOutside:N0}");
        var joinStarted = Stopwatch.GetTimestamp();
        // The room's grain handles joins one at a time: more in flight only queue.
        var joinRate = await fleet.JoinAsync(_ => room, Options.Int("join-concurrency", 2), join, cancellationToken);
        run.Add("joinSeconds", "setup: joins of all", Stopwatch.GetElapsedTime(joinStarted).TotalSeconds, "s");

        progress.Phase("draining the joins' work (servers idle)", () => $"events {fleet.Sum(c => c.Events):N0} presence frames {receipts.PresenceOutside:N0}");
        var settleSeconds = await WaitForQuietAsync(target, Options.Double("quiet-percent", 25), Seconds("settle", 120), cancellationToken);
        run.Add("settle", "setup: work left by the joins drained in (servers idle)", settleSeconds, "s");
        run.Add("setupSeconds", $"setup time ({members:N0} users, sockets, joins, drain)", Stopwatch.GetElapsedTime(setupStarted).TotalSeconds, "s");
        run.Add("connectRate", "connect rate", connectRate, "/s", higherIsBetter: true);
        run.Add("joinRate", "join rate", joinRate, "/s", higherIsBetter: true);
        run.Add(join);
        run.Add("setupPresenceFrames", "presence frames read during the setup (each join tells the members already in)", receipts.PresenceOutside, "");
        run.Add("failed", "connections or joins failed", fleet.FailureCount, "");
        _settled = [.. Enumerable.Range(0, members).Select(fleet.Joined)];
        var online = _settled.Count(s => s);
        run.Add("online", "members online and joined", online, "");

        // ── What holding them costs: nothing sent ──
        progress.Phase($"{online:N0} members online, nothing sent: measuring CPU for {idleWindow.TotalSeconds} s");
        var heldBefore = await HeldIdleAsync(target, idleWindow, cancellationToken);
        run.CpuPhases["held idle, before"] = heldBefore;

        // ── Presence ──
        var presenceAll = new Latency("presence", "presence change → frame at each other member");
        var offline = new Latency("offline", "socket close → offline frame");
        var onlineLatency = new Latency("online", "hello → online frame");
        var presenceTimeline = new Timeline("presence", "presence change → frame (by second of the presence phase)", (int)(presenceDuration + hold + bound).TotalSeconds + 60);
        var presence = new NoticeLedger(presenceAll, [offline, onlineLatency], presenceTimeline, bound);
        var hello = new Latency("hello", "reconnect: hello → reply");
        var rejoinLatency = new Latency("rejoin", "reconnect: join → reply");
        var cycleFailures = new Dictionary<string, int>(StringComparer.Ordinal);
        var cyclerIndexes = Enumerable.Range(0, cyclers).Where(i => _settled[i]).ToArray();
        var cycles = new List<Task>();
        long closes = 0, reconnects = 0;

        void Failed(string reason)
        {
            lock (cycleFailures)
            {
                cycleFailures[reason] = cycleFailures.GetValueOrDefault(reason) + 1;
            }
        }

        async Task CycleAsync(int member)
        {
            if (fleet[member] is not { } old)
            {
                Failed("cycler had no socket");
                return;
            }
            var closedAt = Stopwatch.GetTimestamp();
            presence.Open(member, EphemeralReceipts.Offline, closedAt, Away(member));
            // Changes of the last second may not have reached this socket yet; older ones should have.
            presence.Leave(member, since: closedAt - Stopwatch.Frequency);
            fleet.Replace(member, null);
            var closing = old.CloseAsync(TimeSpan.FromSeconds(5));
            Interlocked.Increment(ref closes);
            await Task.Delay(hold, cancellationToken);
            await closing;

            BenchClient fresh;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(30));
                fresh = await BenchClient.ConnectAsync(target.WebSocketFor(member), Sources.Next(), member, users[member].Name, receipts, timeout.Token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Failed("reconnect " + ex.GetType().Name);
                return;
            }
            var id = presence.Open(member, EphemeralReceipts.Online, Stopwatch.GetTimestamp(), Snapshot(except: member));
            var helloReply = await ReplyWithin(fresh.HelloAsync(users[member].Token), cancellationToken);
            if (!helloReply.Ok)
            {
                presence.Void(id); // nothing changed on the server: nothing owed
                Failed("hello " + helloReply.Code);
                await fresh.CloseAsync(TimeSpan.FromSeconds(1));
                return;
            }
            hello.Record(helloReply.SentAt, helloReply.ReceivedAt);
            if (rejoin)
            {
                // A member's join of its own room changes nothing stored; the reply is the room with its member list.
                var joinReply = await ReplyWithin(fresh.JoinAsync(room), cancellationToken);
                if (!joinReply.Ok)
                {
                    Failed("join " + joinReply.Code);
                }
                else
                {
                    rejoinLatency.Record(joinReply.SentAt, joinReply.ReceivedAt);
                }
            }
            fleet.Replace(member, fresh);
            lock (_stateGate)
            {
                _settled[member] = true;
            }
            Interlocked.Increment(ref reconnects);
        }

        void FireCycle(long i)
        {
            var member = cyclerIndexes[(int)(i % cyclerIndexes.Length)];
            cycles.Add(Task.Run(() => CycleAsync(member), CancellationToken.None));
        }

        receipts.Presence = presence;
        presenceTimeline.Start();
        var presenceWindow = new CpuWindow(target.Pids);
        var presenceStarted = Stopwatch.GetTimestamp();
        progress.Phase("presence changes", () => $"closed {Interlocked.Read(ref closes):N0} reconnected {Interlocked.Read(ref reconnects):N0} frames {presence.Receipts:N0} owed {presence.Owed:N0}");
        if (cyclerIndexes.Length > 0)
        {
            await OpenLoop.RunAsync(presenceRate / 2, presenceDuration, FireCycle, cancellationToken);
        }
        progress.Phase("presence: last reconnects and frames", () => $"reconnected {Interlocked.Read(ref reconnects):N0}/{cycles.Count} owed {presence.Owed:N0}");
        await Task.WhenAll(cycles).WaitAsync(hold + TimeSpan.FromSeconds(120), cancellationToken);
        await WaitUntilAsync(() => presence.Owed == 0, bound, cancellationToken);
        var presenceSeconds = Stopwatch.GetElapsedTime(presenceStarted).TotalSeconds;
        var presenceCpu = presenceWindow.Stop();
        receipts.Presence = null;
        run.CpuPhases["presence"] = presenceCpu;
        var presenceTally = presence.Tally();

        // ── Typing ──
        progress.Phase("waiting for the servers to be idle");
        await WaitForQuietAsync(target, Options.Double("quiet-percent", 25), TimeSpan.FromSeconds(30), cancellationToken);
        var typingAll = new Latency("typing", "typing → frame at each other member");
        var typingTimeline = new Timeline("typing", "typing → frame (by second of the typing phase)", (int)(typingDuration + bound).TotalSeconds + 60);
        var typing = new NoticeLedger(typingAll, [], typingTimeline, bound);
        var typistIndexes = Enumerable.Range(cyclers, typists).Where(i => _settled[i]).ToArray();
        long typed = 0, typingSendFailures = 0;

        void FireTyping(long i)
        {
            var member = typistIndexes[(int)(i % typistIndexes.Length)];
            if (fleet[member] is not BenchClient client) // ChatApp's protocol only (PeerCannot)
            {
                Interlocked.Increment(ref typingSendFailures);
                return;
            }
            var id = typing.Open(member, EphemeralReceipts.Typed, Stopwatch.GetTimestamp(), Snapshot(except: member));
            Interlocked.Increment(ref typed);
            _ = client.TypingAsync(room).ContinueWith(t =>
            {
                if (!t.Result)
                {
                    typing.Void(id);
                    Interlocked.Increment(ref typingSendFailures);
                }
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        var strayBefore = fleet.Sum(c => c.StrayErrors);
        receipts.Typing = typing;
        typingTimeline.Start();
        var typingWindow = new CpuWindow(target.Pids);
        var typingStarted = Stopwatch.GetTimestamp();
        progress.Phase("typing", () => $"sent {Interlocked.Read(ref typed):N0} frames {typing.Receipts:N0} owed {typing.Owed:N0}");
        if (typistIndexes.Length > 0)
        {
            await OpenLoop.RunAsync(typingRate, typingDuration, FireTyping, cancellationToken);
        }
        progress.Phase("typing: last frames", () => $"owed {typing.Owed:N0}");
        await WaitUntilAsync(() => typing.Owed == 0, bound, cancellationToken);
        var typingSeconds = Stopwatch.GetElapsedTime(typingStarted).TotalSeconds;
        var typingCpu = typingWindow.Stop();
        receipts.Typing = null;
        run.CpuPhases["typing"] = typingCpu;
        var typingTally = typing.Tally();

        // Measured again after the phases, and this is the one subtracted: in the first window the
        // silos are still finishing work the 1,000 joins left behind (it reads up to twice as high).
        progress.Phase($"{online:N0} members online, nothing sent: measuring CPU for {idleWindow.TotalSeconds} s");
        await WaitForQuietAsync(target, Options.Double("quiet-percent", 25), TimeSpan.FromSeconds(30), cancellationToken);
        var heldAfter = await HeldIdleAsync(target, idleWindow, cancellationToken);
        run.CpuPhases["held idle, after"] = heldAfter;
        var heldIdlePercent = ServerPercent(target, heldAfter);

        // ── Figures ──
        run.Add("idleCpu", "server CPU when idle, before the run, no members (processes + PostgreSQL)", IdleCpuPercent, "% of a core");
        run.Add("heldIdleBefore", $"server CPU holding {online:N0} members online, nothing sent, before the presence phase", ServerPercent(target, heldBefore), "% of a core");
        run.Add("heldIdleCpu", $"server CPU holding {online:N0} members online, nothing sent (after the typing phase)", heldIdlePercent, "% of a core");
        run.Add("presenceChanges", "presence changes (closes + hellos)", presenceTally.Notices, "");
        run.Add("presenceOwedPerChange", "presence frames owed per change (other members online then)", Per(presenceTally.Expected, presenceTally.Notices), "");
        run.Add("presencePerChange", "presence frames per change (read by other members' sockets)", Per(presenceTally.Receipts, presenceTally.Notices), "", higherIsBetter: true);
        run.Add(presenceAll);
        run.Add(offline);
        run.Add(onlineLatency);
        run.Add("presenceLost", "presence frames lost (owed, not read)", presenceTally.Lost, "");
        run.Add("presenceChangesWithLoss", "presence changes some owed member did not see", presenceTally.NoticesWithLoss, "");
        run.Add("presenceReleased", "presence frames no longer owed: their receiver closed on purpose within 1 s, before reading them", presenceTally.Released, "");
        run.Add("presenceSilent", "presence changes nobody saw", presenceTally.Silent, "");
        run.Add("presenceUnmatched", "presence frames matching no change (repeats or changes not caused by the bench)", presenceTally.Unmatched, "");
        run.Add("presenceCpu", "server CPU in the presence phase", ServerPercent(target, presenceCpu), "% of a core");
        AddCost(run, target, presenceCpu, heldIdlePercent, presenceSeconds, presenceTally.Notices, presenceTally.Receipts,
            "cpuPerPresenceChange", "server CPU per presence change", "cpuPer1000PresenceDeliveries", "server CPU per 1,000 presence frames");
        run.Add(hello);
        if (rejoin)
        {
            run.Add(rejoinLatency);
        }

        run.Add("typingNotices", "typing notices sent", typingTally.Notices, "");
        run.Add("typingOwedPerNotice", "typing frames owed per notice (other members online)", Per(typingTally.Expected, typingTally.Notices), "");
        run.Add("typingPerNotice", "typing frames per notice (read by other members' sockets)", Per(typingTally.Receipts, typingTally.Notices), "", higherIsBetter: true);
        run.Add(typingAll);
        run.Add("typingLost", "typing frames lost (owed, not read)", typingTally.Lost, "");
        run.Add("typingNoticesWithLoss", "typing notices some owed member did not see", typingTally.NoticesWithLoss, "");
        run.Add("typingSilent", "typing notices nobody saw", typingTally.Silent, "");
        run.Add("typingUnmatched", "typing frames matching no notice", typingTally.Unmatched, "");
        run.Add("typingCpu", "server CPU in the typing phase", ServerPercent(target, typingCpu), "% of a core");
        AddCost(run, target, typingCpu, heldIdlePercent, typingSeconds, typingTally.Notices, typingTally.Receipts,
            "cpuPerTypingNotice", "server CPU per typing notice", "cpuPer1000TypingDeliveries", "server CPU per 1,000 typing frames");
        run.Add(presenceTimeline);
        run.Add(typingTimeline);

        run.Add("ownFrames", "presence or typing frames about the receiver's own user", receipts.Own, "");
        run.Add("foreignFrames", "presence or typing frames of another room or user", receipts.Foreign, "");
        run.Add("strayErrors", "errors answering typing (ref-less frames)", fleet.Sum(c => c.StrayErrors) - strayBefore, "");
        run.Add("typingSendFailures", "typing notices that could not be sent", Interlocked.Read(ref typingSendFailures), "");
        run.Add("resyncs", "resync frames", fleet.Sum(c => c.Resyncs), "");
        run.Add("closedByServer", "sockets closed by the server", fleet.Clients.Count(c => !c.IsOpen), "");
        run.Details["cycles"] = string.Create(CultureInfo.InvariantCulture, $"{cycles.Count} started, {Interlocked.Read(ref reconnects)} back online; {presenceTally.Voided} changes void (hello refused)");
        string Who(int member) => member < cyclers ? $"{member} (cycler)" : member.ToString(CultureInfo.InvariantCulture);
        foreach (var loss in presence.Losses(10))
        {
            run.Notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"presence {(loss.Kind == EphemeralReceipts.Online ? "online" : "offline")} of member {Who(loss.User)} at {loss.AtSeconds:0.0} s of the phase not read by {loss.Missing.Count} owed: {string.Join(", ", loss.Missing.Take(10).Select(Who))}"));
        }
        foreach (var loss in typing.Losses(10))
        {
            run.Notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"typing of member {loss.User} at {loss.AtSeconds:0.0} s of the phase not read by {loss.Missing.Count} owed: {string.Join(", ", loss.Missing.Take(10).Select(Who))}"));
        }
        foreach (var (reason, n) in cycleFailures)
        {
            run.Notes.Add($"{n} cycles failed: {reason}");
        }
        foreach (var (reason, n) in fleet.Failures)
        {
            run.Notes.Add($"{n} × {reason}");
        }
        if (fleet.ClosedByServer() is { Length: > 0 } closed)
        {
            run.Notes.Add("closed by server: " + closed);
        }
        progress.Phase("closing");
        return run;
    }

    /// <summary>A member leaves: no longer owed frames; the others online now are owed its offline frame.</summary>
    private bool[] Away(int member)
    {
        lock (_stateGate)
        {
            _settled[member] = false;
            return (bool[])_settled.Clone();
        }
    }

    /// <summary>Members online and in the room now, but <paramref name="except"/>: the receivers a change now is owed to.</summary>
    private bool[] Snapshot(int except)
    {
        lock (_stateGate)
        {
            var owed = (bool[])_settled.Clone();
            owed[except] = false;
            return owed;
        }
    }

    /// <summary>
    /// The reply, or a failure after a minute: the socket's reader completes a request even when the
    /// server closes, so this is only the last resort against a server that neither answers nor closes.
    /// </summary>
    private static async Task<Reply> ReplyWithin(Task<Reply> request, CancellationToken cancellationToken)
    {
        try
        {
            return await request.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        }
        catch (TimeoutException)
        {
            return Reply.Failed("timeout", "no reply within 60 s", 0);
        }
    }

    private static double Per(long count, long per) => per == 0 ? 0 : (double)count / per;

    /// <summary>CPU of the phase beyond holding the members idle, per change and per 1,000 frames read.</summary>
    private static void AddCost(TargetRun run, Target target, IReadOnlyDictionary<string, double> cpu, double heldIdlePercent, double seconds,
        long changes, long deliveries, string perChangeKey, string perChangeLabel, string perDeliveriesKey, string perDeliveriesLabel)
    {
        var netMs = Math.Max(0, ServerPercent(target, cpu) - heldIdlePercent) / 100 * seconds * 1000;
        if (changes > 0)
        {
            run.Add(perChangeKey, perChangeLabel + " (net of holding the members)", netMs / changes, "ms CPU");
        }
        if (deliveries > 0)
        {
            run.Add(perDeliveriesKey, perDeliveriesLabel + " (net of holding the members)", netMs / deliveries * 1000, "ms CPU");
        }
    }
}
