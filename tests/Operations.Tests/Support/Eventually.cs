namespace ChatApp.Tests.Operations.Support;

/// <summary>Polls a condition until it holds or a deadline passes: waiting on a state, never on the clock.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);

    /// <summary>Returns the first value <paramref name="probe"/> yields that <paramref name="holds"/> accepts.</summary>
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> holds, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? DefaultWait);
        var delay = TimeSpan.FromMilliseconds(20);
        T last;
        while (true)
        {
            last = await probe();
            if (holds(last))
            {
                return last;
            }
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Still not {what} after {(within ?? DefaultWait).TotalSeconds} s; last seen: {last}");
            }
            // Backing off between polls, not sleeping for an outcome: the loop ends as soon as it holds.
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
        }
    }
}
