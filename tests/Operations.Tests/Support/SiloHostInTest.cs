using System.Globalization;
using ChatApp.Silo.Hosting;
using ChatApp.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace ChatApp.Tests.Operations.Support;

/// <summary>
/// A silo host built by <see cref="SiloHostBuilder"/>, as the program builds it, on a test database
/// and free ports, without TLS or an admin port, and not started: for reading what the settings
/// made of it, or for starting it to see it refused.
/// </summary>
internal static class SiloHostInTest
{
    public static IHost Build(string connectionString, Dictionary<string, string?> settings) =>
        SiloHostBuilder.Build([], config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Chat"] = connectionString,
            ["Orleans:ClusterId"] = $"host-{Guid.NewGuid():N}",
            ["Orleans:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Dashboard:Port"] = "0",
            ["Cluster:Tls:Enabled"] = "false",
        }).AddInMemoryCollection(settings));
}
