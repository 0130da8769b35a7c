using System.ComponentModel.DataAnnotations;

namespace ChatApp.Defaults;

/// <summary>
/// Which Orleans cluster a silo joins and a gateway talks to, from the "Orleans" section
/// (Orleans__ClusterId, Orleans__ServiceId), the same on both hosts. Grain state is stored under
/// the service id: changing it makes every room look new (docs/deploy.md).
/// </summary>
public sealed class ClusterIdentityOptions
{
    public const string Section = "Orleans";

    [Required]
    public string ClusterId { get; set; } = "chatapp";

    [Required]
    public string ServiceId { get; set; } = "chatapp";
}
