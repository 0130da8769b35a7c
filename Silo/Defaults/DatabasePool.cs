using Microsoft.Extensions.Configuration;
using Npgsql;

namespace ChatApp.Defaults;

/// <summary>
/// Caps every connection pool a process opens to PostgreSQL. Npgsql's own cap is 100 per pool,
/// and a silo has three pools (Orleans' ADO.NET providers share one connection string; the
/// grains' data source; search's), a gateway two (Orleans' clustering; accounts): under a burst
/// of work three processes asked for more than a stock server's 100 connections, and the server
/// refused the excess (53300). With a cap the excess waits in Npgsql for a free connection.
/// Both hosts read the setting through here, the same way.
/// </summary>
public static class DatabasePool
{
    /// <summary>Database:MaxPoolSize (Database__MaxPoolSize=12): the Maximum Pool Size of each of the process's pools.</summary>
    public const string MaxPoolSizeKey = "Database:MaxPoolSize";

    /// <summary>2 silos × 3 pools + 1 gateway × 2 pools, × 10 = 80: under a stock server's 100 − 3 reserved.</summary>
    public const int DefaultMaxPoolSize = 10;

    /// <summary>The connection string with the configured cap; docs/deploy.md says how to size it.</summary>
    public static string Capped(string connectionString, IConfiguration config)
    {
        var size = config.GetValue(MaxPoolSizeKey, DefaultMaxPoolSize);
        if (size < 1)
        {
            throw new InvalidOperationException($"{MaxPoolSizeKey} must be at least 1, not {size}.");
        }
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = size };
        builder.MinPoolSize = Math.Min(builder.MinPoolSize, size);
        return builder.ConnectionString;
    }
}
