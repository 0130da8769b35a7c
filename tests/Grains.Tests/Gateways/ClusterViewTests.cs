using ChatApp.Gateways;
using ChatApp.Tests.Grains.Support;
using Xunit;

namespace ChatApp.Tests.Grains.Gateways;

/// <summary>What a gateway asks every second to notice a silo leaving: the silos' own view, with no table read.</summary>
public sealed class ClusterViewTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task The_cluster_view_names_the_same_active_silos_as_the_membership_table()
    {
        var fromTable = await cluster.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);

        var view = await cluster.Client.GetGrain<IClusterViewGrain>(0).ActiveSilos();

        Assert.Equal(2, view.Length);
        Assert.Equal(fromTable.Keys.OrderBy(s => s.ToString()), view.OrderBy(s => s.ToString()));
    }
}
