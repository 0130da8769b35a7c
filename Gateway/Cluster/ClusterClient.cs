using ChatApp.Defaults;
using Orleans.Configuration;

namespace ChatApp.Gateway.Cluster;

public static class ClusterClient
{
    /// <summary>
    /// An Orleans client that finds silo gateways through the membership table in PostgreSQL, in
    /// the cluster <see cref="ClusterIdentityOptions"/> names (read and validated now: the client is built from it).
    /// </summary>
    public static WebApplicationBuilder AddClusterClient(this WebApplicationBuilder builder, DatabaseOptions database)
    {
        var cluster = builder.Services.AddValidatedOptions<ClusterIdentityOptions>(builder.Configuration.GetSection(ClusterIdentityOptions.Section));
        // The gateway's certificate is what lets it into the cluster (docs/security.md, "A closed cluster").
        var tls = builder.Services.AddClusterCertificates(builder.Configuration);
        // Fail over fast (docs/deploy.md): re-read the silo list every 5 s instead of every minute, and
        // give up on a call lost with a dead silo after 5 s instead of 30. Registered before the client,
        // so Orleans:Gateway:GatewayListRefreshPeriod and Orleans:Messaging:ResponseTimeout override them.
        builder.Services.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
        builder.Services.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(5));
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = database.CappedConnectionString();
            });
            if (tls is not null)
            {
                // Shows the gateway's certificate to every silo and accepts only silos of the cluster's authority.
                client.UseTls(tls.Apply);
            }
        });
        return builder;
    }
}
