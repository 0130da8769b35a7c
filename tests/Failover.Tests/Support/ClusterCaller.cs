using ChatApp.Defaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace ChatApp.Tests.Failover.Support;

/// <summary>
/// A bare Orleans cluster client, as an intruder on the cluster's network would write one: it finds
/// the silos through the membership table and calls a grain, with whatever TLS it is given (none,
/// no certificate, another authority's, or the cluster's own, as the gateway has).
/// </summary>
public static class ClusterCaller
{
    /// <summary>The TLS of a gateway of the cluster: its certificate, and the cluster's authority to judge silos by.</summary>
    public static Action<TlsOptions> AsGateway(IReadOnlyDictionary<string, string> settings)
    {
        var options = new ClusterTlsOptions();
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build()
            .GetSection(ClusterTlsOptions.Section).Bind(options);
        return ClusterCertificates.Load(options).Apply;
    }

    /// <summary>
    /// Connects to the cluster and asks its management grain how many silos are active. Throws if the
    /// silos refuse the client; <paramref name="within"/> bounds the whole attempt.
    /// </summary>
    /// <param name="tls">Orleans' TLS settings of the client; null: plain TCP.</param>
    public static async Task<int> CountActiveSilosAsync(FailoverCluster cluster, Action<TlsOptions>? tls, TimeSpan within)
    {
        using var host = new HostBuilder()
            .UseOrleansClient(client =>
            {
                client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = cluster.ClusterId;
                    o.ServiceId = "chatapp";
                });
                client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = within);
                client.UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = cluster.ConnectionString;
                });
                if (tls is not null)
                {
                    client.UseTls(tls);
                }
            })
            .Build();
        using var deadline = new CancellationTokenSource(within);
        try
        {
            await host.StartAsync(deadline.Token);
            var silos = await host.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(deadline.Token);
            return silos.Count;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }
}
