using System.Diagnostics;
using System.Globalization;
using ChatApp.Silo.Database;
using ChatApp.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ChatApp.Tests.Failover.Support;

/// <summary>
/// A PostgreSQL server of the test's own, in a temporary folder on a free loopback port, that the
/// test may stop and start at will without disturbing the shared server every other test uses.
/// Made the way scripts/pg.sh makes the project's: Debian's binaries, run as <c>postgres</c> when
/// the tests run as root (the server refuses to run as root).
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private const string Role = "chatapp";
    private readonly string _bin;
    private readonly string _area;
    private readonly int _port;

    private readonly string _listenAddresses;

    private ThrowawayPostgres(string bin, string area, int port, string? address)
    {
        _bin = bin;
        _area = area;
        _port = port;
        _listenAddresses = address is null ? "127.0.0.1" : $"127.0.0.1,{address}";
        ConnectionString = $"Host={address ?? "127.0.0.1"};Port={port.ToString(CultureInfo.InvariantCulture)};Username={Role};Password=unused;Database=chat;Timeout=5";
    }

    /// <summary>The migrated database <c>chat</c> on this server.</summary>
    public string ConnectionString { get; }

    private string Data => Path.Combine(_area, "data");

    /// <summary>
    /// Makes, starts and migrates the server. By default it listens on loopback alone; with
    /// <paramref name="address"/> also there (its connection string names that address), trusting
    /// clients of <paramref name="network"/> (say, the namespaces of a <see cref="NetworkLab"/>).
    /// </summary>
    public static async Task<ThrowawayPostgres> StartAsync(string? address = null, string? network = null)
    {
        var bin = FindBinaries();
        var area = Path.Combine(Path.GetTempPath(), $"chatapp-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(area);
        var server = new ThrowawayPostgres(bin, area, FreePort.Next(), address);
        try
        {
            if (Environment.UserName == "root")
            {
                await RunAsync("chown", "postgres:postgres", area);
            }
            // Trust on loopback only: the server is private to this test and lives for a minute.
            await server.AsOwnerAsync("initdb", "-D", server.Data, "--username", Role, "--auth", "trust", "--encoding", "UTF8", "--no-locale");
            if (network is not null)
            {
                await File.AppendAllTextAsync(Path.Combine(server.Data, "pg_hba.conf"), $"host all all {network} trust\n");
            }
            await server.StartServerAsync();
            var admin = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = "postgres" }.ConnectionString;
            await using (var connection = new NpgsqlConnection(admin))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand("CREATE DATABASE chat", connection);
                await create.ExecuteNonQueryAsync();
            }
            await Task.Run(() => DatabaseMigrator.Apply(server.ConnectionString, NullLogger.Instance));
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts (or restarts) the server and returns once it accepts connections.</summary>
    public Task StartServerAsync() => AsOwnerAsync("pg_ctl", "-D", Data, "-l", Path.Combine(_area, "postgres.log"), "-w", "-t", "60",
        "-o", $"-p {_port.ToString(CultureInfo.InvariantCulture)} -k {_area} -c listen_addresses={_listenAddresses} -c fsync=off", "start");

    /// <summary>
    /// Stops the server the hard way (<c>-m immediate</c>, as a crash would): connections are cut
    /// mid-statement and the next start replays the write-ahead log. Committed work survives.
    /// </summary>
    public Task CrashAsync() => AsOwnerAsync("pg_ctl", "-D", Data, "-m", "immediate", "-w", "stop");

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(Data, "postmaster.pid")))
        {
            await AsOwnerAsync("pg_ctl", "-D", Data, "-m", "immediate", "-w", "stop");
        }
        Directory.Delete(_area, recursive: true);
    }

    private Task AsOwnerAsync(string tool, params string[] args) =>
        Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args])
            : RunAsync(Path.Combine(_bin, tool), args);

    private static async Task RunAsync(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {await stdout}{await stderr}");
        }
    }

    /// <summary>Debian keeps the server's programs out of PATH, one folder per major version: the newest.</summary>
    private static string FindBinaries()
    {
        var versions = Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql") : [];
        var bin = versions.Select(v => Path.Combine(v, "bin"))
            .Where(b => File.Exists(Path.Combine(b, "pg_ctl")))
            .OrderBy(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var major) ? major : 0)
            .LastOrDefault();
        return bin ?? throw new InvalidOperationException("PostgreSQL's server programs are not installed (/usr/lib/postgresql/*/bin); run scripts/pg.sh start once.");
    }
}
