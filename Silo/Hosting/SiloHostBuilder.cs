using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace ChatApp.Silo.Hosting;

/// <summary>Builds a ChatApp silo host; the program and the multi-silo tests both start silos through it.</summary>
public static class SiloHostBuilder
{
    public static IHost Build(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(args);
        configure?.Invoke(builder.Configuration);
        var settings = SiloSettings.From(builder.Configuration);

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = settings.ClusterId;
                o.ServiceId = settings.ServiceId;
            });
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = settings.ConnectionString;
            });
            if (settings.AdvertisedAddress is { } address)
            {
                silo.ConfigureEndpoints(address, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: true);
            }
            else
            {
                silo.ConfigureEndpoints(settings.SiloPort, settings.GatewayPort);
            }
            silo.UseChatApp(settings.ConnectionString);
        });
        return builder.Build();
    }
}
