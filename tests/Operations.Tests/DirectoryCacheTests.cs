using ChatApp.Tests.Operations.Support;
using ChatApp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Xunit;

namespace ChatApp.Tests.Operations;

/// <summary>
/// The silo's grain directory cache is sized for a chat cluster, not Orleans' million grains: its
/// size gauge walks the whole cache once a second (SiloOptions.SizeDirectoryCache says why).
/// </summary>
public sealed class DirectoryCacheTests(TestDatabaseFixture database) : IClassFixture<TestDatabaseFixture>
{
    [Fact]
    public void A_silo_caches_the_directory_entries_of_a_hundred_thousand_grains_unless_told_otherwise()
    {
        using var silo = Build([]);

        Assert.Equal(100_000, CacheSize(silo));
        Assert.True(CacheSize(silo) < GrainDirectoryOptions.DEFAULT_CACHE_SIZE);
    }

    [Fact]
    public void The_cache_size_is_set_under_Orleans_Directory()
    {
        using var silo = Build(new() { ["Orleans:Directory:CacheSize"] = "500000" });

        Assert.Equal(500_000, CacheSize(silo));
    }

    private static int CacheSize(IHost silo) => silo.Services.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value.CacheSize;

    private IHost Build(Dictionary<string, string?> settings) => SiloHostInTest.Build(database.ConnectionString, settings);
}
