using ChatApp.Tests.Operations.Support;
using ChatApp.Tests.Support;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace ChatApp.Tests.Operations;

/// <summary>Orleans__Kubernetes=true: the silo runs with Orleans' Kubernetes hosting, and only where that can work.</summary>
public sealed class KubernetesHostingTests(TestDatabaseFixture database) : IClassFixture<TestDatabaseFixture>
{
    [Fact]
    public void A_silo_in_Kubernetes_that_would_advertise_loopback_is_refused_before_it_starts()
    {
        var refused = Assert.ThrowsAny<Exception>(() => Build(new() { ["Orleans:Kubernetes"] = "true" }));

        Assert.Contains("Orleans:Kubernetes needs Orleans:AdvertisedAddress", refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silo_told_it_runs_in_Kubernetes_uses_Orleans_Kubernetes_hosting_which_outside_a_pod_asks_for_the_pods_namespace()
    {
        // 192.0.2.1 is an address for documentation, never routed: the silo gets no further than its checks.
        using var silo = Build(new() { ["Orleans:Kubernetes"] = "true", ["Orleans:AdvertisedAddress"] = "192.0.2.1" });

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => silo.StartAsync());

        Assert.Contains("POD_NAMESPACE", refused.ToString(), StringComparison.Ordinal);
    }

    private IHost Build(Dictionary<string, string?> settings) => SiloHostInTest.Build(database.ConnectionString, settings);
}
