using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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

        // SIGTERM (or Ctrl-C) stops the host: Orleans then marks the silo ShuttingDown, deactivates
        // its grains and hands their directory entries over before the silo leaves the table as Dead.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout);
        // Our tuning first, then anything set under Orleans:Membership on top of it.
        builder.Services.Configure<ClusterMembershipOptions>(SiloSettings.TuneMembership);
        builder.Services.Configure<ClusterMembershipOptions>(builder.Configuration.GetSection(SiloSettings.MembershipSection));

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
                silo.ConfigureEndpoints(address, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: settings.ListenOnAnyHostAddress);
            }
            else
            {
                silo.ConfigureEndpoints(settings.SiloPort, settings.GatewayPort);
            }
            silo.UseChatApp(settings.ConnectionString);
            silo.UseChatOperations();
        });
        return builder.Build();
    }
}
