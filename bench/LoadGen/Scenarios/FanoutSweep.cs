using System.Diagnostics;
using System.Globalization;
using ChatApp.Bench.LoadGen.Measure;
using ChatApp.Bench.LoadGen.Protocol;
using ChatApp.Bench.LoadGen.Reporting;
using ChatApp.Bench.LoadGen.Setup;

namespace ChatApp.Bench.LoadGen.Scenarios;

/// <summary>
/// The rate sweep after fanout's fixed-rate phase, on the same joined fleet: the aggregate send
/// rate goes up step by step (100, 150, 200, 300, 400, 600, 800, … msg/s: ×1.5 and ×4/3 in turn,
/// so that the ratio of two targets' results is not rounded to a power of two), each step a short
/// warm-up and a short measured window, until the first step that fails: p99 send → receipt of
/// 250 ms or more, any delivery lost or duplicated or out of order, any resync, refused send or
/// socket closed by the server, or a send rate the load generator could not keep up (below 95 %
/// of the offered). The highest delivery rate of a passing step is the target's result.
/// </summary>
public sealed class FanoutSweep(Options options, Target target)
{
    public const double P99Limit = 250;

    private readonly double _from = options.Double("sweep-from", 100);
    private readonly double _max = options.Double("sweep-max", 6400);
    private readonly TimeSpan _warmup = TimeSpan.FromSeconds(options.Double("sweep-warmup", 3));
    private readonly TimeSpan _step = TimeSpan.FromSeconds(options.Double("sweep-step", 10));
    // Past this the sweep stops before the next step, so that `./bench.sh all` stays bounded however fast a target is.
    private readonly TimeSpan _budget = TimeSpan.FromSeconds(options.Double("sweep-seconds", 240));
    private readonly TimeSpan _drain = TimeSpan.FromSeconds(10);

    public string Description =>
        $"{_from:0}, {_from * 1.5:0}, {_from * 2:0}, {_from * 3:0}, … up to {_max:0} msg/s; each step {_warmup.TotalSeconds:0} s warm-up + {_step.TotalSeconds:0} s measured, " +
        $"then up to {_drain.TotalSeconds:0} s for its last deliveries; stops at the first failing step or after {_budget.TotalSeconds:0} s";

    /// <summary>Ledger entries the sweep may need at most.</summary>
    public int Capacity => (int)(Ladder().Sum() * (_warmup + _step).TotalSeconds * 1.1) + 1000;

    public IEnumerable<double> Ladder()
    {
        for (var k = 0; ; k++)
        {
            var rate = _from * Math.Pow(2, k / 2) * (k % 2 == 1 ? 1.5 : 1);
            if (rate > _max)
            {
                yield break;
            }
            yield return rate;
        }
    }

    public async Task RunAsync(TargetRun run, Fleet fleet, MessageLedger ledger, FanoutSender sender, Progress progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var errorsBefore = sender.Errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        string? stoppedBecause = null;
        foreach (var rate in Ladder())
        {
            if (Stopwatch.GetElapsedTime(started) + _warmup + _step > _budget)
            {
                stoppedBecause = $"time budget of the sweep ({_budget.TotalSeconds:0} s) spent before {rate:0} msg/s";
                break;
            }
            var step = await StepAsync(rate, fleet, ledger, sender, progress, cancellationToken);
            run.Sweep.Add(step);
            if (!step.Passed)
            {
                stoppedBecause = $"{rate:0} msg/s failed: {step.Failure}";
                break;
            }
        }
        stoppedBecause ??= $"every step up to {_max:0} msg/s passed: the ceiling is higher";
        foreach (var (code, n) in sender.Errors)
        {
            if (n > errorsBefore.GetValueOrDefault(code))
            {
                run.Notes.Add($"sweep: {n - errorsBefore.GetValueOrDefault(code)} send errors: {code}");
            }
        }

        var best = run.Sweep.LastOrDefault(s => s.Passed);
        run.Add("sweep.best", $"highest delivery rate with p99 < {P99Limit:0} ms, nothing lost (rate sweep)", best?.DeliveryRate ?? 0, "/s", higherIsBetter: true);
        run.Add("sweep.bestSendRate", "… at a send rate of", best?.SendRate ?? 0, "msg/s", higherIsBetter: true);
        run.Notes.Add("rate sweep stopped: " + stoppedBecause);
        if (best is null)
        {
            run.Notes.Add($"no step of the sweep passed (the lowest is {_from:0} msg/s): its highest passing delivery rate is reported as 0");
        }
    }

    private async Task<SweepStep> StepAsync(double rate, Fleet fleet, MessageLedger ledger, FanoutSender sender, Progress progress, CancellationToken cancellationToken)
    {
        var receipts = new Latency("sweep", $"send → receipt at {rate:0} msg/s");
        var firstId = ledger.Count;
        var duplicates = fleet.Sum(c => c.Duplicates);
        var outOfOrder = fleet.Sum(c => c.OutOfOrder) + fleet.Sum(c => c.Gaps);
        var resyncs = fleet.Sum(c => c.Resyncs);
        var errors = sender.ErrorCount;
        var closed = fleet.Clients.Count(c => !c.IsOpen);
        var warmupCount = (long)(rate * _warmup.TotalSeconds);
        CpuWindow? cpu = null;
        long measuredStarted = 0, deliveriesAtStart = 0, sentAtStart = 0;

        void Fire(long i)
        {
            if (i == warmupCount)
            {
                cpu = new CpuWindow(target.Pids);
                measuredStarted = Stopwatch.GetTimestamp();
                deliveriesAtStart = ledger.Deliveries;
                sentAtStart = sender.Sent;
            }
            sender.Send(i, i >= warmupCount ? receipts : null, null, null);
        }

        progress.Phase($"sweep at {rate:0} msg/s", () => $"sent {sender.Sent:N0} delivered {ledger.Deliveries:N0} in flight {sender.InFlight} errors {sender.ErrorCount}");
        await OpenLoop.RunAsync(rate, _warmup + _step, Fire, cancellationToken);
        var seconds = Stopwatch.GetElapsedTime(measuredStarted).TotalSeconds;
        // Deliveries read in the measured window, whenever their message was sent: what the target kept up.
        var delivered = ledger.Deliveries - deliveriesAtStart;
        var sent = sender.Sent - sentAtStart;
        var usage = cpu?.Stop() ?? [];
        var lastId = ledger.Count;

        progress.Phase($"sweep at {rate:0} msg/s: last deliveries", () => $"in flight {sender.InFlight} owed {ledger.Outstanding(firstId, lastId):N0}");
        await Scenario.WaitUntilAsync(() => sender.InFlight == 0 && ledger.Outstanding(firstId, lastId) == 0, _drain, cancellationToken);
        var (lost, extra, _) = ledger.Tally(firstId, lastId);
        var summary = receipts.Summary();
        var step = new SweepStep(
            OfferedRate: rate,
            SendRate: Math.Round(sent / seconds, 1),
            DeliveryRate: Math.Round(delivered / seconds, 0),
            P50: summary.P50,
            P99: summary.P99,
            Max: summary.Max,
            Sent: sender.Sent - sentAtStart,
            Lost: lost,
            Duplicates: fleet.Sum(c => c.Duplicates) - duplicates + extra,
            OutOfOrder: fleet.Sum(c => c.OutOfOrder) + fleet.Sum(c => c.Gaps) - outOfOrder,
            Resyncs: fleet.Sum(c => c.Resyncs) - resyncs,
            SendErrors: sender.ErrorCount - errors,
            ClosedByServer: fleet.Clients.Count(c => !c.IsOpen) - closed,
            ServerCpu: target.Pids.Keys.Sum(k => usage.GetValueOrDefault(k)) + usage.GetValueOrDefault("postgres"),
            LoadGenCpu: usage.GetValueOrDefault("loadgen"),
            OthersCpu: usage.GetValueOrDefault("others"),
            Passed: false,
            Failure: null);
        var failure = Failure(step, summary.Count);
        progress.Note(string.Create(CultureInfo.InvariantCulture,
            $"sweep {rate:0} msg/s: sent {step.SendRate:0.#}/s, {step.DeliveryRate:N0} deliveries/s, p99 {step.P99:0.#} ms, lost {lost} → {failure ?? "passed"}"));
        return step with { Passed = failure is null, Failure = failure };
    }

    private static string? Failure(SweepStep step, long samples)
    {
        var reasons = new List<string>();
        if (samples == 0)
        {
            reasons.Add("nothing delivered");
        }
        if (step.P99 >= P99Limit)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"p99 {step.P99:N0} ms ≥ {P99Limit:0} ms"));
        }
        if (step.SendRate < step.OfferedRate * 0.95)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"sent {step.SendRate:0.#} msg/s of {step.OfferedRate:0} offered"));
        }
        void Count(long n, string what)
        {
            if (n > 0)
            {
                reasons.Add(string.Create(CultureInfo.InvariantCulture, $"{n:N0} {what}"));
            }
        }
        Count(step.Lost, "deliveries lost");
        Count(step.Duplicates, "duplicates");
        Count(step.OutOfOrder, "out of order or gaps");
        Count(step.Resyncs, "resync frames");
        Count(step.SendErrors, "sends refused");
        Count(step.ClosedByServer, "sockets closed by the server");
        return reasons.Count == 0 ? null : string.Join("; ", reasons);
    }
}
