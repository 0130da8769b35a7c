using Npgsql;

namespace ChatApp.Bench.LoadGen.Setup;

/// <summary>The bench's own database on the project's PostgreSQL, fresh for every scenario.</summary>
public static class Database
{
    public static async Task<int> ResetAsync(Options options)
    {
        var target = new NpgsqlConnectionStringBuilder(options.String("db") ?? throw new InvalidOperationException("--db"));
        var name = target.Database ?? throw new InvalidOperationException("the connection string names no database");
        if (!name.Contains("bench", StringComparison.Ordinal))
        {
            // A guard against dropping someone's real data by a slip of the command line.
            throw new InvalidOperationException($"refusing to drop '{name}': the bench only resets databases named *bench*");
        }
        var admin = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync();
        // The previous scenario's writes wake autovacuum, and an autovacuum worker counts as a
        // superuser's session, which FORCE may not end for the bench's role (42501): it is done within
        // seconds, so the drop is tried again for a while.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
                break;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 60)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
        await using (var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection))
        {
            await create.ExecuteNonQueryAsync();
        }
        return 0;
    }
}
