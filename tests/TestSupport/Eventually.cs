using System.Diagnostics;

namespace ChatApp.Tests.Support;

/// <summary>
/// Waits for something that becomes true asynchronously (a stream delivery, a lease running out,
/// a readiness probe turning) by probing it at a steady pace until it holds or a deadline passes:
/// never a fixed sleep that hopes it is long enough.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(50);

    /// <summary>Runs <paramref name="probe"/> until <paramref name="holds"/> accepts its result, and returns that result.</summary>
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> holds, string what, TimeSpan? within = null)
    {
        var deadline = within ?? DefaultWait;
        var clock = Stopwatch.StartNew();
        // The deadline counts the time the system could run: a collection that stops this process
        // stops the in-process servers too (the gateway tests' process has paused for 2-5 s at a time).
        var pausedBefore = GC.GetTotalPauseDuration();
        using var pace = new PeriodicTimer(Pace);
        while (true)
        {
            var result = await probe();
            if (holds(result))
            {
                return result;
            }
            var paused = GC.GetTotalPauseDuration() - pausedBefore;
            if (clock.Elapsed - paused > deadline)
            {
                throw new TimeoutException(
                    $"Still not {what} after {deadline.TotalSeconds} s (and {paused.TotalSeconds:0.0} s paused in garbage collections); last seen: {Describe(result)}");
            }
            await pace.WaitForNextTickAsync();
        }
    }

    /// <summary>Probes until <paramref name="condition"/> holds.</summary>
    public static Task Until(Func<Task<bool>> condition, string what, TimeSpan? within = null) =>
        Until(condition, holds => holds, what, within);

    /// <summary>Checks until <paramref name="condition"/> holds.</summary>
    public static Task Until(Func<bool> condition, string what, TimeSpan? within = null) =>
        Until(() => Task.FromResult(condition()), what, within);

    private static string Describe<T>(T result) =>
        result is System.Collections.IEnumerable items and not string
            ? "[" + string.Join(", ", items.Cast<object?>()) + "]"
            : result?.ToString() ?? "null";
}
