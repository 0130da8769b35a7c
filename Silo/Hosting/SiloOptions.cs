using System.ComponentModel.DataAnnotations;
using System.Net;
using ChatApp.Defaults;
using Orleans.Configuration;

namespace ChatApp.Silo.Hosting;

/// <summary>
/// Where this silo listens, from the "Orleans" section (appsettings, command line, or environment:
/// Orleans__SiloPort=11112). Which cluster it joins is <see cref="ClusterIdentityOptions"/>, its
/// database <see cref="DatabaseOptions"/>. Defaults suit one machine; several silos side by side
/// differ only in their ports.
/// </summary>
public sealed class SiloOptions : IValidatableObject
{
    public const string Section = "Orleans";

    /// <summary>The configuration section whose keys override <see cref="ClusterMembershipOptions"/> (Orleans__Membership__ProbeTimeout=00:00:02).</summary>
    public const string MembershipSection = "Orleans:Membership";

    /// <summary>The configuration section whose keys override <see cref="GrainDirectoryOptions"/> (Orleans__Directory__CacheSize=500000).</summary>
    public const string DirectorySection = "Orleans:Directory";

    /// <summary>
    /// Where other silos' grains are, remembered per silo: a few times the grains a silo calls within
    /// the cache's lifetime (4 minutes), which is about one session per online user plus the rooms.
    /// </summary>
    public const int DefaultDirectoryCacheSize = 100_000;

    /// <summary>
    /// How long a stopping silo may take to hand its grains over and leave the cluster. Under the
    /// 30 s that Kubernetes, Docker and most supervisors wait between SIGTERM and SIGKILL.
    /// </summary>
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(25);

    /// <summary>Silo-to-silo.</summary>
    [Range(0, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Gateway-to-silo (the gateways' Orleans clients).</summary>
    [Range(0, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The address other silos and gateways reach this silo at, and the one its two ports listen on.
    /// Loopback unless set: a silo nobody configured stays on its own machine; a cluster of several
    /// hosts sets each silo's address on the hosts' private network (docs/deploy.md).
    /// </summary>
    [Required(ErrorMessage = "Orleans:AdvertisedAddress must be an IP address (127.0.0.1 when unset).")]
    public string AdvertisedAddress { get; set; } = IPAddress.Loopback.ToString();

    /// <summary>
    /// Listen on every interface instead of the advertised address only: behind NAT or in a
    /// container the advertised address is not a local one. Off: the ports stay on the address given.
    /// </summary>
    public bool ListenOnAnyHostAddress { get; set; }

    /// <summary>
    /// The silo runs in a Kubernetes pod (docs/kubernetes/): Orleans' Kubernetes hosting names it
    /// for its pod (POD_NAME), labels the pod with the cluster's ids, and lets two silos watch the
    /// cluster's pods, so that a silo whose pod is deleted is declared dead at once instead of
    /// after missed probes. The pod needs POD_NAME and POD_NAMESPACE, and a role that may get,
    /// list, watch and patch pods. Off: nothing asks Kubernetes anything.
    /// </summary>
    public bool Kubernetes { get; set; }

    [Positive]
    public TimeSpan ShutdownTimeout { get; set; } = DefaultShutdownTimeout;

    /// <summary>The advertised address, parsed (validation has checked it).</summary>
    public IPAddress AdvertisedIPAddress() => IPAddress.Parse(AdvertisedAddress);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(AdvertisedAddress) && !IPAddress.TryParse(AdvertisedAddress, out _))
        {
            yield return new ValidationResult($"Orleans:AdvertisedAddress is an IP address, not '{AdvertisedAddress}'.", [nameof(AdvertisedAddress)]);
        }
        // A pod's silo that advertised loopback would be unreachable to every other silo and gateway,
        // yet join the table and be voted dead over and over: refuse it before it starts.
        else if (Kubernetes && IPAddress.TryParse(AdvertisedAddress, out var address) && IPAddress.IsLoopback(address))
        {
            yield return new ValidationResult(
                "Orleans:Kubernetes needs Orleans:AdvertisedAddress set to the pod's IP (fieldRef status.podIP), not loopback.",
                [nameof(AdvertisedAddress)]);
        }
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

    /// <summary>
    /// Orleans sizes its directory cache for a million grains, and the cache's dictionary is made
    /// with that many buckets. The cache-size gauge counts it by walking every bucket, once a second
    /// for the Orleans Dashboard's metric reader (which has no interval setting): with nobody
    /// connected that walk was the largest single part of an idle silo's CPU (bench/README.md,
    /// "The directory cache's gauge"). A cache of <see cref="DefaultDirectoryCacheSize"/> entries is walked
    /// ten times faster; a fuller one only forgets its least used entries, which cost a directory
    /// lookup when next called.
    /// </summary>
    public static void SizeDirectoryCache(GrainDirectoryOptions o) => o.CacheSize = DefaultDirectoryCacheSize;
}
