using ChatApp.Tests.Database.Support;
using ChatApp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService;
using Xunit;

namespace ChatApp.Tests.Database;

/// <summary>
/// Real silos and clients on a migrated database: the scripts are right if Orleans can cluster
/// and persist on them. Each test has its own ClusterId/ServiceId inside the shared database.
/// </summary>
public sealed class SiloOnPostgresTests(TestDatabaseFixture fixture) : IClassFixture<TestDatabaseFixture>
{
    private const int Active = 3;
    private const int Dead = 6;

    private string Db => fixture.ConnectionString;

    [Fact]
    public async Task SiloStartsAndIsActiveInTheMembershipTable()
    {
        var cluster = TestSilo.NewCluster();
        var silo = await TestSilo.StartAsync(Db, cluster);
        try
        {
            // StartAsync returns once the silo has joined, so its row must already say Active.
            Assert.Equal([Active], await SiloStatusesAsync(cluster));
        }
        finally
        {
            await TestSilo.StopAsync(silo);
        }

        Assert.Equal([Dead], await SiloStatusesAsync(cluster));
    }

    [Fact]
    public async Task GrainStateIsWrittenReadBackAfterARestartAndCleared()
    {
        var cluster = TestSilo.NewCluster();
        var key = $"note-{Guid.NewGuid():N}";

        var first = await TestSilo.StartAsync(Db, cluster);
        try
        {
            await Grain(first, key).WriteAsync("remember me");
        }
        finally
        {
            await TestSilo.StopAsync(first);
        }

        // A new silo (a new generation in the same cluster) has nothing in memory: only PostgreSQL.
        var second = await TestSilo.StartAsync(Db, cluster);
        try
        {
            Assert.Equal("remember me", await Grain(second, key).ReadAsync());

            await Grain(second, key).ClearAsync();

            Assert.Null(await Grain(second, key).ReadAsync());
            Assert.Equal(
                [false],
                (await Sql.QueryAsync(Db,
                    "SELECT PayloadBinary IS NOT NULL FROM OrleansStorage WHERE ServiceId = $1 AND GrainIdExtensionString = $2",
                    cluster.ServiceId, key)).Select(row => (bool)row[0]!));
        }
        finally
        {
            await TestSilo.StopAsync(second);
        }

        Assert.Equal([Dead, Dead], await SiloStatusesAsync(cluster));
    }

    [Fact]
    public async Task ClientFindsTheGatewayThroughTheMembershipTable()
    {
        var cluster = TestSilo.NewCluster();
        var silo = await TestSilo.StartAsync(Db, cluster);
        try
        {
            var client = await TestSilo.StartClientAsync(Db, cluster);
            try
            {
                var note = client.Services.GetRequiredService<IClusterClient>().GetGrain<INoteGrain>($"note-{Guid.NewGuid():N}");
                await note.WriteAsync("via the gateway");

                Assert.Equal("via the gateway", await note.ReadAsync());
            }
            finally
            {
                await TestSilo.StopAsync(client);
            }
        }
        finally
        {
            await TestSilo.StopAsync(silo);
        }
    }

    [Fact]
    public async Task ProviderCleansUpDeadSilosAndDeletesTheCluster()
    {
        var cluster = TestSilo.NewCluster();
        await TestSilo.StopAsync(await TestSilo.StartAsync(Db, cluster)); // leaves one Dead row
        var table = new AdoNetClusteringTable(
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(cluster),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = TestSilo.Invariant, ConnectionString = Db }),
            NullLogger<AdoNetClusteringTable>.Instance);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: false);

        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Empty(await SiloStatusesAsync(cluster));
        Assert.Empty((await table.ReadAllAsync()).Members);

        await table.DeleteMembershipTableEntriesAsync(cluster.ClusterId);
        Assert.Equal(0L, await Sql.ScalarAsync<long>(Db,
            "SELECT count(*) FROM OrleansMembershipVersionTable WHERE DeploymentId = $1", cluster.ClusterId));
    }

    private static INoteGrain Grain(IHost silo, string key) =>
        silo.Services.GetRequiredService<IGrainFactory>().GetGrain<INoteGrain>(key);

    private async Task<List<int>> SiloStatusesAsync(ClusterOptions cluster) =>
        (await Sql.QueryAsync(Db,
            "SELECT Status FROM OrleansMembershipTable WHERE DeploymentId = $1 ORDER BY Generation",
            cluster.ClusterId))
        .Select(row => (int)row[0]!)
        .ToList();
}
