using ChatApp.Silo.Database;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ChatApp.Tests.Support;

/// <summary>
/// A brand-new, fully migrated database for one test fixture, dropped when disposed.
/// </summary>
/// <remarks>
/// Each fixture gets its own database so that tests never see each other's rows and can run in
/// any order or in parallel. The server comes from CHATAPP_DB (what <c>scripts/pg.sh start</c>
/// prints); its role needs CREATEDB.
/// </remarks>
public sealed class TestDatabase : IAsyncDisposable
{
    private const string LocalServer = "Host=127.0.0.1;Port=55432;Username=chatapp;Password=chatapp;Database=chatapp";

    private readonly string serverConnectionString;

    private TestDatabase(string serverConnectionString, string connectionString, string name)
    {
        this.serverConnectionString = serverConnectionString;
        ConnectionString = connectionString;
        Name = name;
    }

    /// <summary>The database's name, <c>chatapp_test_&lt;random&gt;</c>.</summary>
    public string Name { get; }

    /// <summary>Npgsql connection string to this database.</summary>
    public string ConnectionString { get; }

    /// <summary>The connection string of the server the test databases are made on.</summary>
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("CHATAPP_DB") is { Length: > 0 } fromEnvironment ? fromEnvironment : LocalServer;

    /// <param name="migratedThrough">The last migration to apply (a file name in sql/); null: all of them.</param>
    public static async Task<TestDatabase> CreateAsync(string? migratedThrough = null)
    {
        var server = ServerConnectionString;
        var name = $"chatapp_test_{Guid.NewGuid():N}";
        await Sql.QueryAsync(server, $"CREATE DATABASE \"{name}\"");

        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        var database = new TestDatabase(server, connectionString, name);
        try
        {
            // DbUp is synchronous; keep it off the test's thread.
            await Task.Run(() => DatabaseMigrator.Apply(connectionString, NullLogger.Instance, migratedThrough));
            return database;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Pooled connections to the database would otherwise be broken by the drop, or keep it alive.
        using (var connection = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        // FORCE ends the sessions still on the database, but for a role that is not a superuser
        // PostgreSQL refuses (42501) while an autovacuum worker is among them, as one may be on a
        // database the test just filled: the drop is tried again until the worker is done.
        await Eventually.Until<PostgresException?>(
            async () =>
            {
                try
                {
                    await Sql.QueryAsync(serverConnectionString, $"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
                    return null;
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
                {
                    return ex;
                }
            },
            refusal => refusal is null, $"database {Name} dropped");
    }
}
