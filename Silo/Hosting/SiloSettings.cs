using System.Net;
using Microsoft.Extensions.Configuration;

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
    IPAddress? AdvertisedAddress)
{
    public static SiloSettings From(IConfiguration config)
    {
        var connectionString = config.GetConnectionString("Chat") ?? config["CHATAPP_DB"]
            ?? throw new InvalidOperationException("No database: set ConnectionStrings__Chat or CHATAPP_DB.");
        var orleans = config.GetSection("Orleans");
        var advertised = orleans["AdvertisedAddress"];
        return new SiloSettings(
            connectionString,
            orleans["ClusterId"] ?? "chatapp",
            orleans["ServiceId"] ?? "chatapp",
            orleans.GetValue("SiloPort", 11111),
            orleans.GetValue("GatewayPort", 30000),
            string.IsNullOrEmpty(advertised) ? null : IPAddress.Parse(advertised));
    }
}
