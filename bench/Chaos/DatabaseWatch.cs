using Npgsql;

namespace ChatApp.Bench.Chaos;

/// <summary>
/// Samples how many connections the whole system (silos, gateway, clients' checks) holds to the
/// bench's database, twice a second, and keeps the peak: the figure PostgreSQL's max_connections is sized by.
/// </summary>
public sealed class DatabaseWatch : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private int _peak;

    public DatabaseWatch(string connectionString) => _sampling = SampleAsync(connectionString);

    public int PeakConnections => Volatile.Read(ref _peak);

    private async Task SampleAsync(string connectionString)
    {
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(_stop.Token);
            await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()", connection);
            while (await pace.WaitForNextTickAsync(_stop.Token))
            {
                var now = (int)(long)(await count.ExecuteScalarAsync(_stop.Token))!;
                // The sampler's own connection is not the system's.
                Volatile.Write(ref _peak, Math.Max(_peak, now - 1));
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }
}
