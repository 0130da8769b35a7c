using System.Globalization;
using ChatApp.Gateway;
using ChatApp.Rooms;
using ChatApp.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ChatApp.Tests.Failover.Support;

/// <summary>
/// A ChatApp cluster whose silos are separate processes (so they can be killed) and whose
/// gateways run in this process on loopback ports (so a test can start, stop and cut them).
/// It has its own cluster id and, unless given one, its own fresh database; its Orleans ports run
/// mutual TLS with certificates of <see cref="ClusterAuthority.Shared"/>, as in production.
/// </summary>
public sealed class FailoverCluster : IAsyncDisposable
{
    /// <summary>The status Orleans writes in the membership table for a silo that serves.</summary>
    public const int Active = 3;

    /// <summary>The status of a silo that left the cluster, gracefully or declared dead by the others.</summary>
    public const int Dead = 6;

    private readonly TestDatabase? _ownedDatabase;
    private readonly IReadOnlyDictionary<string, string> _gatewaySettings;
    private readonly List<ChatProcess> _silos = [];
    private readonly List<ChatProcess> _processes = [];
    private readonly List<GatewayHost> _gateways = [];

    private FailoverCluster(string connectionString, TestDatabase? ownedDatabase, IReadOnlyDictionary<string, string>? gatewaySettings)
    {
        ConnectionString = connectionString;
        _ownedDatabase = ownedDatabase;
        var settings = new Dictionary<string, string>(ChatSystem.RoomyLimits) { [ChatSystem.WarmupUsers] = "0" };
        foreach (var (key, value) in gatewaySettings ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }
        _gatewaySettings = settings;
        LogDirectory = Path.Combine(AppContext.BaseDirectory, "silo-logs", ClusterId);
    }

    public string ClusterId { get; } = $"failover-{Guid.NewGuid():N}";
    public string ConnectionString { get; }
    public string LogDirectory { get; }
    public IReadOnlyList<ChatProcess> Silos => _silos;
    public IReadOnlyList<GatewayHost> Gateways => _gateways;

    /// <summary>
    /// Starts <paramref name="silos"/> silo processes and one gateway. Without a connection string the
    /// cluster makes (and later drops) a fresh database on the test server.
    /// </summary>
    /// <param name="siloHosts">Where each silo runs (loopback for those not named).</param>
    /// <param name="siloSettings">Configuration keys for every silo, on top of the cluster's.</param>
    public static async Task<FailoverCluster> StartAsync(int silos, string? connectionString = null, IReadOnlyDictionary<string, string>? gatewaySettings = null,
        IReadOnlyList<ProcessHost>? siloHosts = null, IReadOnlyDictionary<string, string>? siloSettings = null)
    {
        var database = connectionString is null ? await TestDatabase.CreateAsync() : null;
        var cluster = new FailoverCluster(connectionString ?? database!.ConnectionString, database, gatewaySettings);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, silos).Select(i => cluster.StartSiloAsync(siloHosts?.ElementAtOrDefault(i), siloSettings)));
            await cluster.StartGatewayAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts one more silo process (on loopback unless <paramref name="host"/> says where; with
    /// <paramref name="settings"/>, configuration keys, on top of the cluster's) and returns once the
    /// membership table shows it Active.
    /// </summary>
    public async Task<ChatProcess> StartSiloAsync(ProcessHost? host = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        var silo = ChatProcess.StartSilo(ConnectionString, ClusterId, FreePort.Next(), FreePort.Next(), LogDirectory, settings, host);
        lock (_silos)
        {
            _silos.Add(silo);
        }
        // Generous: a cold silo on a busy two-core machine has taken 55 s to join.
        await Wait.UntilAsync(async () => silo.HasExited || await ActiveOrUnreadableAsync(silo), TimeSpan.FromSeconds(120), $"silo {silo.Port} Active");
        if (silo.HasExited)
        {
            throw new InvalidOperationException($"Silo {silo.Port} exited with {silo.ExitCode}; see {silo.LogPath}");
        }
        return silo;
    }

    /// <summary>
    /// Starts a gateway on a free loopback port, as the Gateway program would, and returns once it is
    /// ready. <paramref name="settings"/> (configuration keys) come on top of the cluster's.
    /// </summary>
    public async Task<GatewayHost> StartGatewayAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var port = FreePort.Next();
        var app = GatewayApp.Build(
        [
            $"--urls=http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            $"--contentRoot={Path.Combine(ChatSystem.RepositoryRoot, "Gateway")}",
            $"--ConnectionStrings:Chat={ConnectionString}",
            $"--Orleans:ClusterId={ClusterId}",
            $"--Auth:SigningKey={ChatSystem.SigningKey}",
            "--Logging:LogLevel:Default=Warning",
            .. ClusterAuthority.Shared.GatewaySettings.Select(setting => $"--{setting.Key}={setting.Value}"),
            .. _gatewaySettings.Concat(settings ?? new Dictionary<string, string>()).Select(setting => $"--{setting.Key}={setting.Value}"),
        ]);
        await app.StartAsync();
        var gateway = new GatewayHost(app, port);
        _gateways.Add(gateway);
        await gateway.WaitUntilReadyAsync();
        return gateway;
    }

    /// <summary>Starts a gateway as a process of its own (so it can be killed; on loopback unless <paramref name="host"/> says where), and returns once it is ready.</summary>
    public async Task<ChatProcess> StartGatewayProcessAsync(ProcessHost? host = null)
    {
        var gateway = ChatProcess.StartGateway(ConnectionString, ClusterId, FreePort.Next(), LogDirectory,
            _gatewaySettings.Select(setting => $"--{setting.Key}={setting.Value}"), host);
        lock (_processes)
        {
            _processes.Add(gateway);
        }
        await Wait.UntilReadyAsync(gateway.BaseUri, () => gateway.HasExited);
        return gateway;
    }

    /// <summary>
    /// The silo process that holds the room's grain now. Asked of every silo (which grains it really
    /// has active), not of the grain directory alone, whose answer can lag behind a failover.
    /// </summary>
    public async Task<ChatProcess> SiloHostingRoomAsync(string room)
    {
        var hosts = await SilosHostingRoomAsync(room);
        if (hosts.Count == 1)
        {
            return hosts[0];
        }
        var cluster = _gateways.First(g => g.IsRunning).Cluster;
        var address = await cluster.GetGrain<IManagementGrain>(0).GetActivationAddress(cluster.GetGrain<IRoomGrain>(room))
            ?? throw new InvalidOperationException($"Room {room} is not active anywhere.");
        return _silos.Single(s => s.Port == address.Endpoint.Port);
    }

    /// <summary>Every silo process with an activation of the room's grain (more than one only in a failover's aftermath).</summary>
    public async Task<IReadOnlyList<ChatProcess>> SilosHostingRoomAsync(string room)
    {
        var cluster = _gateways.First(g => g.IsRunning).Cluster;
        var grain = cluster.GetGrain<IRoomGrain>(room).GetGrainId();
        var activations = await cluster.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        var ports = activations.Where(a => a.GrainId == grain).Select(a => a.SiloAddress.Endpoint.Port).ToHashSet();
        lock (_silos)
        {
            return [.. _silos.Where(s => ports.Contains(s.Port))];
        }
    }

    /// <summary>The newest membership row's status of this silo (Orleans' SiloStatus as a number), or null before it joins.</summary>
    /// <summary>
    /// Whether the table shows the silo Active; a connect that timed out is "not yet", not a failure:
    /// while silos start, a two-core machine has kept the test's own query waiting past its 5 s
    /// (CI failed so, twice, in PartitionTests and PostgresFailoverTests), and the wait's deadline is the judge.
    /// </summary>
    private async Task<bool> ActiveOrUnreadableAsync(ChatProcess silo)
    {
        try
        {
            return await StatusAsync(silo) == Active;
        }
        catch (NpgsqlException ex) when (ex.IsTransient)
        {
            return false;
        }
    }

    public Task<int?> StatusAsync(ChatProcess silo) =>
        Sql.ScalarAsync<int?>(ConnectionString,
            "SELECT Status FROM OrleansMembershipTable WHERE DeploymentId = $1 AND Port = $2 ORDER BY Generation DESC LIMIT 1",
            ClusterId, silo.Port);

    /// <summary>Registers a fresh user with a unique name through a running gateway.</summary>
    public async Task<(string Name, string Token)> RegisterAsync(string prefix)
    {
        using var http = new HttpClient { BaseAddress = _gateways.First(g => g.IsRunning).BaseUri };
        return await Accounts.RegisterAsync(http, prefix);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var gateway in _gateways)
        {
            await gateway.DisposeAsync();
        }
        await Task.WhenAll(_processes.Concat(_silos).Select(p => p.DisposeAsync().AsTask()));
        if (_ownedDatabase is not null)
        {
            await _ownedDatabase.DisposeAsync();
        }
    }
}

/// <summary>A gateway running in the test process: its URLs, its cluster client, and ways to stop it.</summary>
public sealed class GatewayHost(WebApplication app, int port) : IAsyncDisposable
{
    private int _stopped;

    public Uri BaseUri { get; } = new($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
    public Uri SocketUri { get; } = new($"ws://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/ws");
    public IClusterClient Cluster => app.Services.GetRequiredService<IClusterClient>();
    public bool IsRunning => Volatile.Read(ref _stopped) == 0;

    public Task WaitUntilReadyAsync() => Wait.UntilReadyAsync(BaseUri);

    /// <summary>A graceful stop, as on SIGTERM: sockets are closed with 1001 first.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await app.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await app.DisposeAsync();
    }
}
