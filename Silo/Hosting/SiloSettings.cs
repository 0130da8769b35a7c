using System.Net;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;

namespace ChatApp.Silo.Hosting;

/// <summary>
/// Where this silo listens and which cluster it joins, from configuration (appsettings,
/// command line, or environment: Orleans__SiloPort=11112, ConnectionStrings__Chat=..., CHATAPP_DB).
/// Defaults suit one machine; several silos side by side differ only in their ports.
/// </summary>
public sealed record SiloSettings(
    string ConnectionString,
    string ClusterId,
    string ServiceId,
    int SiloPort,
    int GatewayPort,
    IPAddress? AdvertisedAddress,
    bool ListenOnAnyHostAddress,
    TimeSpan ShutdownTimeout)
{
    /// <summary>The configuration section whose keys override <see cref="ClusterMembershipOptions"/> (Orleans__Membership__ProbeTimeout=00:00:02).</summary>
    public const string MembershipSection = "Orleans:Membership";

    /// <summary>
    /// How long a stopping silo may take to hand its grains over and leave the cluster. Under the
    /// 30 s that Kubernetes, Docker and most supervisors wait between SIGTERM and SIGKILL.
    /// </summary>
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(25);

    public static SiloSettings From(IConfiguration config)
    {
        // Capped here, so that every pool of the silo (Orleans' providers, the grains', search's) is.
        var connectionString = ChatApp.Defaults.DatabasePool.Capped(config.GetConnectionString("Chat") ?? config["CHATAPP_DB"]
            ?? throw new InvalidOperationException("No database: set ConnectionStrings__Chat or CHATAPP_DB."), config);
        var orleans = config.GetSection("Orleans");
        var advertised = orleans["AdvertisedAddress"];
        return new SiloSettings(
            connectionString,
            orleans["ClusterId"] ?? "chatapp",
            orleans["ServiceId"] ?? "chatapp",
            orleans.GetValue("SiloPort", 11111),
            orleans.GetValue("GatewayPort", 30000),
            string.IsNullOrEmpty(advertised) ? null : IPAddress.Parse(advertised),
            // Behind NAT or in a container the advertised address is not a local one: listen on all.
            // Tests and benches that advertise 127.0.0.1 turn this off to stay on loopback.
            orleans.GetValue("ListenOnAnyHostAddress", true),
            orleans.GetValue("ShutdownTimeout", DefaultShutdownTimeout));
    }

    /// <summary>
    /// Failure detection tuned for a chat cluster on one LAN, where a dead silo's rooms are silent
    /// until it is declared dead: a killed silo is out within about 3 s (docs/deploy.md has the
    /// measurements). Orleans' defaults (probe timeout 5 s, table refresh 60 s, votes valid 2 min)
    /// suit large clusters across flaky networks and take 10-30 s. Each can still be overridden
    /// from <see cref="MembershipSection"/>.
    /// </summary>
    public static void TuneMembership(ClusterMembershipOptions o)
    {
        // Probes adapt to the measured round trip within [ProbeTimeout/2, MaxProbeTimeout]; on a LAN
        // a probe goes out about every second, and a dead peer refuses or misses three in a row.
        o.ProbeTimeout = TimeSpan.FromSeconds(2);
        o.MaxProbeTimeout = TimeSpan.FromSeconds(4);
        o.NumMissedProbesLimit = 3;
        // Two votes (the prober's, and the silo that confirmed by an indirect probe) are a majority of three.
        o.NumVotesForDeathDeclaration = 2;
        // Votes are only meaningful while fresh: with second-scale probes an old suspicion must not
        // add up with a new, unrelated one into a false death.
        o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(20);
        // Gossip spreads a death at once; the table read is the fallback for a silo that missed it.
        o.TableRefreshTimeout = TimeSpan.FromSeconds(10);
        // Heartbeats in the table: a silo silent for three of them (30 s) no longer counts as active.
        o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
    }
}
