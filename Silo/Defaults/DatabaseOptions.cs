using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ChatApp.Defaults;

/// <summary>
/// The PostgreSQL database, the same way on both hosts: <c>ConnectionStrings:Chat</c> (or else
/// <c>CHATAPP_DB</c>), and <c>Database:MaxPoolSize</c>, which caps every connection pool a
/// process opens. Npgsql's own cap is 100 per pool, and a silo has three pools (Orleans' ADO.NET
/// providers share one connection string; the grains' data source; search's), a gateway two
/// (Orleans' clustering; accounts): under a burst of work three processes asked for more than a
/// stock server's 100 connections, and the server refused the excess (53300). With a cap the
/// excess waits in Npgsql for a free connection.
/// </summary>
public sealed class DatabaseOptions
{
    /// <summary>Database:MaxPoolSize (Database__MaxPoolSize=12): the Maximum Pool Size of each of the process's pools.</summary>
    public const string MaxPoolSizeKey = "Database:MaxPoolSize";

    /// <summary>2 silos × 3 pools + 1 gateway × 2 pools, × 10 = 80: under a stock server's 100 − 3 reserved.</summary>
    public const int DefaultMaxPoolSize = 10;

    /// <summary>The Npgsql connection string, from ConnectionStrings:Chat or else CHATAPP_DB.</summary>
    [Required(ErrorMessage = "No database: set ConnectionStrings__Chat or CHATAPP_DB.")]
    public string? ConnectionString { get; set; }

    [Range(1, int.MaxValue, ErrorMessage = MaxPoolSizeKey + " must be at least 1.")]
    public int MaxPoolSize { get; set; } = DefaultMaxPoolSize;

    /// <summary>The connection string with the cap, which every pool of the process opens; docs/deploy.md says how to size it.</summary>
    public string CappedConnectionString()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { MaxPoolSize = MaxPoolSize };
        builder.MinPoolSize = Math.Min(builder.MinPoolSize, MaxPoolSize);
        return builder.ConnectionString;
    }

    /// <summary>Reads the two places the settings come from.</summary>
    public static void Bind(IConfiguration config, DatabaseOptions options)
    {
        options.ConnectionString = config.GetConnectionString("Chat") ?? config["CHATAPP_DB"];
        options.MaxPoolSize = config.GetValue(MaxPoolSizeKey, DefaultMaxPoolSize);
    }

    /// <summary>The settings, validated now: for the silo's <c>migrate</c>, which runs without a host.</summary>
    public static DatabaseOptions From(IConfiguration config) => ValidatedOptions.Validate<DatabaseOptions>(o => Bind(config, o));
}

public static class DatabaseOptionsExtensions
{
    /// <summary>The database settings, registered and returned validated: each host builds its pools from them.</summary>
    public static DatabaseOptions AddDatabaseOptions(this IServiceCollection services, IConfiguration config) =>
        services.AddValidatedOptions<DatabaseOptions>(o => DatabaseOptions.Bind(config, o));
}
