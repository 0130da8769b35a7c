using ChatApp.Tests.Support;

namespace ChatApp.Tests.Failover.Support;

/// <summary>
/// Waiting for something that becomes true by itself (a silo joins, a death is declared, a socket
/// catches up), with the deadline these tests and the chaos bench name first: the probing is
/// <see cref="Eventually"/>'s, never a sleep that hopes.
/// </summary>
public static class Wait
{
    /// <summary>Probes until true; throws <see cref="TimeoutException"/> naming <paramref name="what"/> at the deadline.</summary>
    public static Task UntilAsync(Func<Task<bool>> probe, TimeSpan within, string what) =>
        Eventually.Until(probe, what, within);

    public static Task UntilAsync(Func<bool> condition, TimeSpan within, string what) =>
        Eventually.Until(condition, what, within);

    /// <summary>Until the gateway's /readyz answers 200: it reaches the cluster and the database.</summary>
    public static async Task UntilReadyAsync(Uri gateway, Func<bool>? gaveUp = null)
    {
        using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(5) };
        await UntilAsync(async () =>
        {
            if (gaveUp?.Invoke() == true)
            {
                throw new InvalidOperationException($"The gateway at {gateway} exited before it was ready.");
            }
            try
            {
                return (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).IsSuccessStatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), $"ready at {gateway}");
    }
}
