using System.Diagnostics;

namespace ChatApp.Tests.Grains.Support;

/// <summary>
/// Waits for something that becomes true asynchronously (a stream delivery, a lease running out)
/// by probing it until it holds or a deadline passes: never a fixed sleep that hopes it is long enough.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(50);

    /// <summary>Runs <paramref name="probe"/> until <paramref name="done"/> holds for its result, and returns that result.</summary>
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        using var pace = new PeriodicTimer(Pace);
        while (true)
        {
            var result = await probe();
            if (done(result))
            {
                return result;
            }
            if (clock.Elapsed > Deadline)
            {
                throw new TimeoutException($"Still not {what} after {Deadline}; last seen: {Describe(result)}");
            }
            await pace.WaitForNextTickAsync();
        }
    }

    private static string Describe<T>(T result) =>
        result is System.Collections.IEnumerable items and not string
            ? "[" + string.Join(", ", items.Cast<object?>()) + "]"
            : result?.ToString() ?? "null";
}
