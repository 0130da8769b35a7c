using Microsoft.Extensions.DependencyInjection;
using ChatApp.Gateways;
using ChatApp.Rooms;
using ChatApp.Tests.Support;
using ChatApp.Users;
using Orleans.Hosting;
using Orleans.TestingHost;
using Xunit;

namespace ChatApp.Tests.Grains.Support;

/// <summary>
/// A fresh migrated database and, on it, an in-process Orleans cluster of two silos wired exactly
/// as the real silo is (<c>UseChatApp</c>): grain state and the room log in
/// PostgreSQL, memory streams between grains. One per test class; tests stay apart through fresh
/// room ids and user names.
/// </summary>
/// <remarks>
/// Silos and client talk over Orleans' in-memory transport and in-memory membership, so no ports
/// are taken. The ServiceId is fixed for the fixture's life: it keys grain state in PostgreSQL, so
/// a cluster started again with it finds every room and session where the last one left them.
/// </remarks>
public sealed class ClusterFixture : IAsyncLifetime
{
    private const short Silos = 2;

    private readonly string _serviceId = $"grains-tests-{Guid.NewGuid():N}";
    private TestDatabase? _database;
    private InProcessTestCluster? _cluster;

    public TestDatabase Database => _database ?? throw new InvalidOperationException("The fixture has not been initialized.");

    public ChatTables Tables => new(Database.ConnectionString);

    public IClusterClient Client => (_cluster ?? throw new InvalidOperationException("No cluster is running.")).Client;

    public const int RoomsPerUser = 12;

    public IRoomGrain Room(string id) => Client.GetGrain<IRoomGrain>(id);

    public IRoomRelayGrain Relay(string id) => Client.GetGrain<IRoomRelayGrain>(id);

    public IUserSessionGrain Session(string user) => Client.GetGrain<IUserSessionGrain>(user);

    /// <summary>Calls the silos have made to gateways' lease grains (<see cref="LeaseHolds"/>), all together.</summary>
    public long LeaseHoldCalls() =>
        (_cluster ?? throw new InvalidOperationException("No cluster is running.")).Silos
            .Sum(silo => silo.ServiceProvider.GetRequiredService<LeaseHolds>().Calls);

    /// <summary>A stand-in for one gateway process: an observer living in this test's cluster client.</summary>
    public RecordingGateway NewGateway() => new(Client);

    /// <summary>
    /// Runs <paramref name="call"/> with one table taken away (renamed, in this fixture's own
    /// database) and puts it back after: the failures it meets are PostgreSQL's own errors.
    /// </summary>
    public async Task<T> WithoutTableAsync<T>(string table, Func<Task<T>> call)
    {
        await Sql.QueryAsync(Database.ConnectionString, $"ALTER TABLE {table} RENAME TO {table}_away");
        try
        {
            return await call();
        }
        finally
        {
            await Sql.QueryAsync(Database.ConnectionString, $"ALTER TABLE {table}_away RENAME TO {table}");
        }
    }

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _cluster = await StartClusterAsync();
    }

    /// <summary>Stops every silo and the client, then deploys a new cluster on the same database and ServiceId.</summary>
    public async Task RestartClusterAsync()
    {
        await StopClusterAsync();
        _cluster = await StartClusterAsync();
    }

    public async Task DisposeAsync()
    {
        await StopClusterAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    /// <summary>How often sessions re-announce presence and look for lapsed leases in this cluster.</summary>
    public static readonly TimeSpan PresenceTick = TimeSpan.FromMilliseconds(500);

    private async Task<InProcessTestCluster> StartClusterAsync()
    {
        var connectionString = Database.ConnectionString;
        var builder = new InProcessTestClusterBuilder(Silos);
        builder.Options.ServiceId = _serviceId;
        // The testing host would otherwise write a log file per silo into the working directory.
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseChatApp(connectionString);
            // A small cap, so that a test can reach it in a few joins.
            silo.Services.Configure<ChatApp.Rooms.RoomLimits>(o => o.RoomsPerUser = RoomsPerUser);
            // Lapsed leases noticed within a second, so that a test can wait for one; sessions' news for a
            // lease gathered long enough that a burst of attaches shares calls however slow the machine.
            silo.Services.Configure<ChatApp.Users.PresenceOptions>(o =>
            {
                o.Tick = PresenceTick;
                o.LeaseChangeInterval = TimeSpan.FromMilliseconds(200);
            });
        });

        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task StopClusterAsync()
    {
        if (_cluster is { } cluster)
        {
            _cluster = null;
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }
}
