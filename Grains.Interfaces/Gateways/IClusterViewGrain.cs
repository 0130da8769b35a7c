namespace ChatApp.Gateways;

/// <summary>
/// The silos the cluster counts active, as the silo that answers knows them: its membership view,
/// held in memory and kept current by the silos' gossip. A gateway asks it every second to notice
/// a silo leaving; the management grain's <c>GetHosts</c>, which it asked before, reads the
/// membership table from PostgreSQL on every call.
/// </summary>
[Alias("ChatApp.Gateways.IClusterViewGrain")]
public interface IClusterViewGrain : IGrainWithIntegerKey
{
    [Alias("ActiveSilos")]
    Task<SiloAddress[]> ActiveSilos();
}
