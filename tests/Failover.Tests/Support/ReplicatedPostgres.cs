using System.Diagnostics;
using System.Globalization;
using ChatApp.Silo.Database;
using ChatApp.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ChatApp.Tests.Failover.Support;

/// <summary>
/// A throw-away PostgreSQL primary with a streaming standby, made by <c>scripts/pg-replica.sh</c>
/// exactly as an operator would make them (so the test checks the script too), in a temporary
/// folder on free loopback ports. The primary can be killed and the standby promoted, as in a failover.
/// </summary>
public sealed class ReplicatedPostgres : IAsyncDisposable
{
    private const string Database = "chat";
    private readonly string _area;
    private readonly int _primaryPort;
    private readonly int _standbyPort;

    private ReplicatedPostgres(string area, int primaryPort, int standbyPort)
    {
        _area = area;
        _primaryPort = primaryPort;
        _standbyPort = standbyPort;
    }

    /// <summary>Both servers, as ChatApp is given them: Npgsql picks whichever is the primary now.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>The standby alone (the new primary once promoted): where a test audits what survived.</summary>
    public string StandbyConnectionString => Single(_standbyPort);

    /// <summary>The primary alone.</summary>
    public string PrimaryConnectionString => Single(_primaryPort);

    private string PrimaryData => Path.Combine(_area, "primary");
    private string StandbyData => Path.Combine(_area, "standby");

    /// <summary>
    /// Starts the primary and the standby, and migrates the database through the two-host connection
    /// string (as <c>migrate</c> would be run in production). <paramref name="synchronous"/> false
    /// makes the primary commit without waiting for the standby: only to show what that loses.
    /// </summary>
    public static async Task<ReplicatedPostgres> StartAsync(bool synchronous = true)
    {
        var area = Path.Combine(Path.GetTempPath(), $"chatapp-pgr-{Guid.NewGuid():N}");
        Directory.CreateDirectory(area);
        var servers = new ReplicatedPostgres(area, FreePort.Next(), FreePort.Next());
        try
        {
            await ReplicaScriptAsync([.. servers.PrimaryOptions, .. synchronous ? Array.Empty<string>() : ["--asynchronous"], "primary"]);
            var both = await ReplicaScriptAsync([.. servers.StandbyOptions, "--primary-port", Port(servers._primaryPort), "standby"]);
            // A dead host must not hold a connection attempt for the default 15 s.
            servers.ConnectionString = new NpgsqlConnectionStringBuilder(both) { Timeout = 5 }.ConnectionString;
            await Task.Run(() => DatabaseMigrator.Apply(servers.ConnectionString, NullLogger.Instance));
            return servers;
        }
        catch
        {
            await servers.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL to the primary's postmaster: it vanishes at once; its backends notice and exit on their own.</summary>
    public async Task KillPrimaryAsync()
    {
        var pid = int.Parse((await PgScriptAsync(["--data", PrimaryData, "pid"])).Trim(), CultureInfo.InvariantCulture);
        using var postmaster = Process.GetProcessById(pid);
        postmaster.Kill();
        await postmaster.WaitForExitAsync();
    }

    /// <summary>Makes the standby the primary (<c>pg-replica.sh promote</c>); returns once it accepts writes.</summary>
    public Task PromoteAsync() => ReplicaScriptAsync(["--data", StandbyData, "promote"]);

    /// <summary>Stops the standby (a fast shutdown): from now on it falls behind the primary.</summary>
    public Task StopStandbyAsync() => PgScriptAsync([.. StandbyOptions, "stop"]);

    /// <summary>Starts the standby again, still a standby (its primary may be gone).</summary>
    public Task StartStandbyAsync() => PgScriptAsync([.. StandbyOptions, "start"]);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        foreach (var options in new[] { StandbyOptions, PrimaryOptions })
        {
            try
            {
                await PgScriptAsync([.. options, "stop"]);
            }
            catch (InvalidOperationException)
            {
                // A server that is already gone.
            }
        }
        Directory.Delete(_area, recursive: true);
    }

    private string[] PrimaryOptions => ["--port", Port(_primaryPort), "--data", PrimaryData, "--database", Database];
    private string[] StandbyOptions => ["--port", Port(_standbyPort), "--data", StandbyData, "--database", Database];

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static string Single(int port) =>
        $"Host=127.0.0.1;Port={Port(port)};Username=chatapp;Password=chatapp;Database={Database};Timeout=5";

    private static Task<string> PgScriptAsync(string[] args) => ScriptAsync("pg.sh", args);
    private static Task<string> ReplicaScriptAsync(string[] args) => ScriptAsync("pg-replica.sh", args);

    /// <summary>Runs a script of the repository's scripts/ folder; its standard output, or an exception with both outputs.</summary>
    private static async Task<string> ScriptAsync(string script, string[] args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(ChatSystem.RepositoryRoot, "scripts", script));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        // The scripts trust CHATAPP_DB when set (someone else's server): these servers are ours.
        info.Environment.Remove("CHATAPP_DB");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} {string.Join(' ', args)} failed ({process.ExitCode}): {await stdout}{await stderr}");
        }
        return await stdout;
    }
}
