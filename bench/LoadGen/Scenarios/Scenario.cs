using System.Diagnostics;
using ChatApp.Bench.LoadGen.Measure;
using ChatApp.Bench.LoadGen.Protocol;
using ChatApp.Bench.LoadGen.Reporting;
using ChatApp.Bench.LoadGen.Setup;

namespace ChatApp.Bench.LoadGen.Scenarios;

/// <summary>One workload, run the same way against each target that can serve it.</summary>
public abstract class Scenario(Options options, HttpClient http, SourceAddresses sources)
{
    protected Options Options { get; } = options;
    protected HttpClient Http { get; } = http;
    protected SourceAddresses Sources { get; } = sources;
    protected Users Users { get; } = new(options, http);

    /// <summary>A short random tag so that names never collide with an earlier run in the same database.</summary>
    protected static string Tag { get; } = Convert.ToString(Random.Shared.Next(36 * 36 * 36, 36 * 36 * 36 * 36), 16);

    public abstract string Name { get; }

    public virtual bool RunsOnBaseline => true;

    /// <summary>Why a peer (SignalR, ejabberd) cannot run this scenario; null: it can. Shown as "—" with the reason.</summary>
    public virtual string? PeerCannot => "this scenario uses frames of ChatApp's protocol that neither peer has";

    /// <summary>Whether the scenario runs on <paramref name="target"/>; if not, <paramref name="reason"/> says why.</summary>
    public bool RunsOn(Target target, out string? reason)
    {
        reason = target.Protocol != Protocol.ClientProtocol.ChatApp ? PeerCannot
            : target.IsChatApp || RunsOnBaseline ? null
            : "the baseline does not serve it";
        return reason is null;
    }

    public abstract IReadOnlyList<Goal> Goals { get; }

    /// <summary>Figures for the summary in bench/README.md besides the goals.</summary>
    public abstract IReadOnlyList<string> Headline { get; }

    /// <summary>How the run was set up (sizes, rates, seeding), for the report.</summary>
    public Dictionary<string, string> Setup { get; } = [];

    /// <summary>Remarks on goals: e.g. that a size was scaled down.</summary>
    public Dictionary<string, string> GoalNotes { get; } = [];

    /// <summary>What &lt;scenario&gt;.png shows: the latency percentiles, unless the scenario writes its own (<see cref="WritePlots"/>).</summary>
    public virtual string PlotName => "latency percentiles";

    /// <summary>A Markdown section of the scenario's own for its report, once every target has run; null: none.</summary>
    public virtual string? Section(ScenarioReport report) => null;

    /// <summary>Writes &lt;scenario&gt;.png when it is not the latency percentiles (see <see cref="PlotName"/>).</summary>
    public virtual void WritePlots(string basePath, ScenarioReport report)
    {
    }

    public abstract Task<TargetRun> RunAsync(Target target, Progress progress, CancellationToken cancellationToken);

    protected TimeSpan Seconds(string name, double fallback) => TimeSpan.FromSeconds(Options.Double(name, fallback));

    /// <summary>Waits until <paramref name="done"/> or the time is up; true when done.</summary>
    public static async Task<bool> WaitUntilAsync(Func<bool> done, TimeSpan limit, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!done())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            await Task.Delay(100, cancellationToken);
        }
        return true;
    }

    /// <summary>
    /// Waits until the system under test is idle again (its processes together below
    /// <paramref name="percent"/> of a core over a second), so that the work a setup phase left
    /// behind (membership notices, session writes) is not measured as the next phase's latency.
    /// Returns the seconds waited.
    /// </summary>
    public static async Task<double> WaitForQuietAsync(Target target, double percent, TimeSpan limit, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var deadline = DateTime.UtcNow + limit;
        var quietSeconds = 0;
        while (DateTime.UtcNow < deadline && quietSeconds < 2)
        {
            var before = target.Pids.Values.Sum(ProcessStats.CpuSeconds);
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var used = (target.Pids.Values.Sum(ProcessStats.CpuSeconds) - before) * 100;
            quietSeconds = used < percent ? quietSeconds + 1 : 0;
        }
        return System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    protected static void AddCpu(TargetRun run, CpuWindow window) => run.CpuPercent = window.Stop();

    /// <summary>CPU of the target's servers and PostgreSQL (% of a core) in a window's reading.</summary>
    protected static double ServerPercent(Target target, IReadOnlyDictionary<string, double> cpu) =>
        target.Pids.Keys.Sum(k => cpu.GetValueOrDefault(k)) + cpu.GetValueOrDefault("postgres");

    /// <summary>
    /// The held-idle window unless --idle-window says otherwise: one keep-alive period of the servers
    /// (ChatApp's gateway and the baseline both ping every socket each 30 s). A shorter window holds
    /// all, some or none of a server's pings depending on how its sockets' connects were spread: the
    /// baseline connects 10,000 sockets in 3 s, so a 20 s window could miss every one of its pings
    /// while ChatApp's, connected over 20 s, held two thirds of its own.
    /// </summary>
    protected static readonly TimeSpan KeepAlivePeriod = TimeSpan.FromSeconds(30);

    /// <summary>Under this key a held-idle window also gives the servers' JIT, which their own figures include.</summary>
    protected const string HeldIdleJit = "of which the JIT";

    /// <summary>
    /// CPU of every process over <paramref name="window"/> while the clients stay connected and send
    /// nothing, and how much of the servers' was their JIT still compiling (<see cref="HeldIdleJit"/>).
    /// </summary>
    protected static Task<Dictionary<string, double>> HeldIdleAsync(Target target, TimeSpan window, CancellationToken cancellationToken) =>
        HeldAsync(target, () => Task.Delay(window, cancellationToken));

    /// <summary>CPU of every process while <paramref name="meanwhile"/> runs, with the servers' JIT under <see cref="HeldIdleJit"/>.</summary>
    private static async Task<Dictionary<string, double>> HeldAsync(Target target, Func<Task> meanwhile)
    {
        await using var phase = new PhaseCpu(target.Pids);
        await meanwhile();
        var (held, jitPercent, _) = await phase.StopAsync();
        held[HeldIdleJit] = Math.Round(jitPercent, 1);
        return held;
    }

    /// <summary>The page's keep-alive: an open page asks <c>ping</c> every 25 s (Gateway/wwwroot/js/protocol.js).</summary>
    protected static readonly TimeSpan PagePingPeriod = TimeSpan.FromSeconds(25);

    /// <summary>
    /// <see cref="HeldIdleAsync"/> with every client asking <c>ping</c> once per
    /// <see cref="PagePingPeriod"/>, the asks spread evenly as those of pages opened at different
    /// times are: what a server of open pages pays that held idle, whose clients say nothing, leaves
    /// out. Returns the window's CPU and the pings answered ok and not.
    /// </summary>
    protected static async Task<HeldPinging> HeldPingingAsync(Target target, IReadOnlyList<ChatClient> clients, TimeSpan window, CancellationToken cancellationToken)
    {
        long answered = 0, failed = 0;
        var replies = new List<Task>();
        var cpu = await HeldAsync(target, async () =>
        {
            var started = Stopwatch.GetTimestamp();
            var asked = 0L;
            // Asks go out in small bursts, each of those due since the last: 400 a second for 10,000 clients.
            using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
            while (clients.Count > 0 && Stopwatch.GetElapsedTime(started) < window && await tick.WaitForNextTickAsync(cancellationToken))
            {
                var due = (long)(Stopwatch.GetElapsedTime(started) / PagePingPeriod * clients.Count);
                for (; asked < due; asked++)
                {
                    replies.Add(clients[(int)(asked % clients.Count)].PingAsync().ContinueWith(
                        reply => Interlocked.Increment(ref reply.IsCompletedSuccessfully && reply.Result.Ok ? ref answered : ref failed),
                        CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default));
                }
            }
        });
        await Task.WhenAll(replies).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        return new HeldPinging(cpu, Interlocked.Read(ref answered), Interlocked.Read(ref failed));
    }

    /// <summary>A pinging window's CPU (as a held-idle window's) and its pings.</summary>
    protected sealed record HeldPinging(Dictionary<string, double> Cpu, long Answered, long Failed);

    /// <summary>
    /// What the pings of open pages cost: the pinging window's server CPU, and per ping, net of the
    /// held-idle window just before it (<paramref name="idle"/>).
    /// </summary>
    protected static void AddHeldPinging(TargetRun run, Target target, HeldPinging held, Dictionary<string, double> idle, string who, TimeSpan window)
    {
        run.CpuPhases["held, pinging"] = held.Cpu;
        var percent = ServerPercent(target, held.Cpu);
        run.Add("heldPingingCpu", $"server CPU holding {who}, each asking ping every {PagePingPeriod.TotalSeconds:0} s as the page does ({window.TotalSeconds:0} s; processes + PostgreSQL)", percent, "% of a core");
        if (held.Answered > 0)
        {
            var netMs = Math.Max(0, percent - ServerPercent(target, idle)) / 100 * window.TotalSeconds * 1000;
            run.Add("cpuPerPing", "server CPU per ping (net of held idle)", netMs * 1000 / held.Answered, "µs CPU");
        }
        run.Add("pingsFailed", "pings not answered ok", held.Failed, "");
        run.Add("heldPingingOthers", "… other processes on the machine meanwhile (> 10 %: the window is an upper bound)", held.Cpu.GetValueOrDefault("others"), "% of a core");
    }

    /// <summary>
    /// What holding the clients costs when nobody sends anything (leases, pings, timers): the
    /// servers' and PostgreSQL's CPU over a fixed window once the setup's work has drained, each
    /// process apart, and "others" so that a window on a busy machine shows as such.
    /// </summary>
    protected static void AddHeldIdle(TargetRun run, Target target, Dictionary<string, double> cpu, string held, TimeSpan window)
    {
        run.CpuPhases["held idle"] = cpu;
        run.Add("heldIdleCpu", $"server CPU holding {held}, nothing sent ({window.TotalSeconds:0} s after setup drained; processes + PostgreSQL)", ServerPercent(target, cpu), "% of a core");
        foreach (var name in target.Pids.Keys.Append("postgres"))
        {
            run.Add($"heldIdleCpu.{name}", $"… of which {name}", cpu.GetValueOrDefault(name), "% of a core");
        }
        // The servers' first minutes: the JIT recompiling what turned hot is part of the figures above, not a cost of holding anyone.
        run.Add("heldIdleJit", "… of which the servers' JIT, still compiling hot methods (tiered compilation; in the lines above)", cpu.GetValueOrDefault(HeldIdleJit), "% of a core");
        run.Add("heldIdleOthers", "… other processes on the machine meanwhile (> 10 %: the window is an upper bound)", cpu.GetValueOrDefault("others"), "% of a core");
    }

    /// <summary>
    /// CPU the system under test (its processes and PostgreSQL) spent per unit of work in the
    /// measured window. Unlike latency, this hardly depends on what else the machine is running.
    /// </summary>
    protected void AddCpuCost(TargetRun run, Target target, double unitsPerSecond, string key, string label)
    {
        var percent = target.Pids.Keys.Sum(k => run.CpuPercent.GetValueOrDefault(k)) + run.CpuPercent.GetValueOrDefault("postgres");
        run.Add("idleCpu", "server CPU when idle, before the run (processes + PostgreSQL)", IdleCpuPercent, "% of a core");
        run.Add("serverCpu", "server CPU in the measured phase (processes + PostgreSQL)", percent, "% of a core");
        if (unitsPerSecond > 0)
        {
            // Net of what the servers burn when idle (timers, membership, polling agents).
            run.Add(key, label + " (net of idle)", Math.Max(0, percent - IdleCpuPercent) / 100 * 1000 / unitsPerSecond, "ms CPU");
        }
    }

    /// <summary>
    /// What one unit of a setup phase (a connect + hello, a join) cost the servers: their CPU and
    /// PostgreSQL's over the phase, per unit, each process apart, and how much of it was their JIT
    /// (<see cref="PhaseCpu"/>). Gross: holding the clients meanwhile is in it, a few percent of a
    /// core against the phase's one or two cores.
    /// </summary>
    protected static void AddPhaseCost(TargetRun run, Target target, string key, string phase, string unit, long units,
        (Dictionary<string, double> Cpu, double JitPercent, double Seconds) cost)
    {
        run.CpuPhases[phase] = cost.Cpu;
        if (units <= 0)
        {
            return;
        }
        double PerUnit(double percent) => Math.Round(percent / 100 * cost.Seconds * 1000 / units, 2);
        run.Add(key, $"server CPU per {unit} ({phase}, processes + PostgreSQL)", PerUnit(ServerPercent(target, cost.Cpu)), "ms CPU");
        foreach (var name in target.Pids.Keys.Append("postgres"))
        {
            run.Add($"{key}.{name}", $"… of which {name}", PerUnit(cost.Cpu.GetValueOrDefault(name)), "ms CPU");
        }
        run.Add($"{key}.jit", "… of which the servers' JIT (tiered compilation; in the lines above)", PerUnit(cost.JitPercent), "ms CPU");
        run.Add($"{key}.others", $"… other processes on the machine over the {phase}", cost.Cpu.GetValueOrDefault("others"), "% of a core");
    }

    /// <summary>
    /// How much of the measured phase's server CPU was the servers' JIT, and the cost per unit of work
    /// without it. A measured phase starts a few minutes after the servers, and the runtime is then
    /// still recompiling, at its optimizing tier, the methods the phase made hot: CPU that is spent
    /// once per process, not per unit of work (bench/README.md, "The gateway's send path, profiled").
    /// </summary>
    protected void AddJitShare(TargetRun run, double jitPercent, double unitsPerSecond, string key, string label)
    {
        run.Add("measuredJit", "… of which the servers' JIT, compiling what the phase made hot (tiered compilation)", Math.Round(jitPercent, 1), "% of a core");
        if (unitsPerSecond > 0)
        {
            var percent = run.Get("serverCpu") ?? 0;
            run.Add(key, label + " less the servers' JIT (net of idle)", Math.Max(0, percent - jitPercent - IdleCpuPercent) / 100 * 1000 / unitsPerSecond, "ms CPU");
        }
    }

    /// <summary>
    /// Below this the servers count as quiet (--quiet-percent): 25 % of a core, or the idle CPU the
    /// runner measured before the scenario plus 10 points when that is higher, since ChatApp's own
    /// timers alone use 21–34 % with nobody connected and a wait for 25 % would only run out.
    /// </summary>
    protected double QuietPercent => Options.Double("quiet-percent", Math.Max(25, IdleCpuPercent + 10));

    /// <summary>CPU of the target's processes and PostgreSQL while idle, measured by the runner before the scenario.</summary>
    public double IdleCpuPercent { get; set; }

    protected static double Mb(long bytes) => Math.Round(bytes / 1024.0 / 1024.0, 1);
}
