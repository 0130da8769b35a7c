using DbUp;
using DbUp.Engine.Output;
using Microsoft.Extensions.Logging;

namespace ChatApp.Silo.Database;

/// <summary>
/// Brings a PostgreSQL database up to the schema in the repository's <c>sql/</c> folder.
/// </summary>
/// <remarks>
/// The scripts travel inside the silo assembly (see Silo.csproj), so a deployed silo can migrate
/// without the repository. DbUp runs them in name order and records each one in the database's
/// <c>schemaversions</c> table, so a script runs exactly once per database and running again
/// applies only what is new.
/// </remarks>
public static class DatabaseMigrator
{
    // Silo.csproj gives every embedded script the logical name "sql.<file name>".
    private const string ScriptPrefix = "sql.";

    /// <summary>Creates the database if needed, then applies the scripts not yet applied.</summary>
    /// <param name="through">
    /// The last script to apply (its file name, e.g. <c>0009_search_words.sql</c>), for making a
    /// database as an older release left it; null applies them all.
    /// </param>
    /// <exception cref="InvalidOperationException">A script failed; nothing of it was kept.</exception>
    public static void Apply(string connectionString, ILogger logger, string? through = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(logger);

        var log = new MicrosoftUpgradeLog(logger);
        EnsureDatabase.For.PostgresqlDatabase(connectionString, log);

        var upgrader = DeployChanges.To
            .PostgresqlDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(typeof(DatabaseMigrator).Assembly, name => IsMigrationScript(name)
                && (through is null || string.CompareOrdinal(name, ScriptPrefix + through) <= 0))
            // One transaction per script: a failing script leaves nothing half-applied behind it.
            .WithTransactionPerScript()
            // Dollar-quoted plpgsql bodies must reach PostgreSQL untouched: DbUp would take a
            // "$tag$" quote for one of its $variables$. Our scripts use no DbUp variables.
            .WithVariablesDisabled()
            .LogTo(log)
            .Build();

        var result = upgrader.PerformUpgrade();
        if (!result.Successful)
        {
            var script = result.ErrorScript?.Name ?? "(none)";
            throw new InvalidOperationException(
                $"Database migration failed in script {script}: {result.Error?.Message}", result.Error);
        }

        logger.LogInformation("Database is up to date; {Count} script(s) applied now", result.Scripts.Count());
    }

    private static bool IsMigrationScript(string resourceName) =>
        resourceName.StartsWith(ScriptPrefix, StringComparison.Ordinal)
        && resourceName.EndsWith(".sql", StringComparison.Ordinal);
}
