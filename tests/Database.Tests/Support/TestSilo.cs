using ChatApp.Tests.Support;
using System.Net;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace ChatApp.Tests.Database.Support;

/// <summary>
/// Starts real Orleans silos and clients in-process, clustered and persisted through the
/// ADO.NET providers on a test database: exactly the pieces the SQL scripts must satisfy.
/// </summary>
public static class TestSilo
{
    public const string Invariant = "Npgsql";
    public const string StorageName = "store";

    /// <summary>Starts a silo on fresh ports; returns once it is Active in the cluster.</summary>
    public static async Task<IHost> StartAsync(string connectionString, ClusterOptions cluster)
    {
        var host = new HostBuilder()
            .UseOrleans(silo => silo
                .Configure<ClusterOptions>(o => Copy(cluster, o))
                .ConfigureEndpoints(IPAddress.Loopback, FreePort.Next(), FreePort.Next())
                .UseAdoNetClustering(o =>
                {
                    o.Invariant = Invariant;
                    o.ConnectionString = connectionString;
                })
                .AddAdoNetGrainStorage(StorageName, o =>
                {
                    o.Invariant = Invariant;
                    o.ConnectionString = connectionString;
                }))
            .Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>Starts a client that finds the gateways through the membership table.</summary>
    public static async Task<IHost> StartClientAsync(string connectionString, ClusterOptions cluster)
    {
        var host = new HostBuilder()
            .UseOrleansClient(client => client
                .Configure<ClusterOptions>(o => Copy(cluster, o))
                .UseAdoNetClustering(o =>
                {
                    o.Invariant = Invariant;
                    o.ConnectionString = connectionString;
                }))
            .Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>A cluster of its own for each test, so tests sharing a database stay apart.</summary>
    public static ClusterOptions NewCluster()
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        return new ClusterOptions { ClusterId = $"cluster-{id}", ServiceId = $"service-{id}" };
    }

    public static async Task StopAsync(IHost host)
    {
        await host.StopAsync();
        host.Dispose();
    }

    private static void Copy(ClusterOptions from, ClusterOptions to)
    {
        to.ClusterId = from.ClusterId;
        to.ServiceId = from.ServiceId;
    }
}
