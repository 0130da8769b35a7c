using System.Diagnostics;

namespace ChatApp.Bench.LoadGen.Measure;

/// <summary>
/// Fires work at a constant rate without waiting for earlier work to finish (an open loop), so
/// that a slow server shows up as latency rather than as a quietly lower send rate.
/// </summary>
public static class OpenLoop
{
    public static async Task<long> RunAsync(double perSecond, TimeSpan duration, Action<long> fire, CancellationToken cancellationToken)
    {
        var total = (long)(perSecond * duration.TotalSeconds);
        var started = Stopwatch.GetTimestamp();
        long fired = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(2));
        while (fired < total && await timer.WaitForNextTickAsync(cancellationToken))
        {
            var due = Math.Min(total, (long)(Stopwatch.GetElapsedTime(started).TotalSeconds * perSecond) + 1);
            while (fired < due)
            {
                fire(fired++);
            }
        }
        return fired;
    }
}
