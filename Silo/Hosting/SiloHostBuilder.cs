using ChatApp.Defaults;
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
        builder.Configuration.AddLogLevelDefaults();
        configure?.Invoke(builder.Configuration);
        // The silo is built from these, so they are read and validated now: a missing database or a
        // bad port stops it here, with a line that names the setting.
        var database = builder.Services.AddDatabaseOptions(builder.Configuration);
        var cluster = builder.Services.AddValidatedOptions<ClusterIdentityOptions>(builder.Configuration.GetSection(ClusterIdentityOptions.Section));
        var settings = builder.Services.AddValidatedOptions<SiloOptions>(builder.Configuration.GetSection(SiloOptions.Section));
        // Certificates too: a missing or foreign one stops the silo now, not at its first connection.
        var tls = builder.Services.AddClusterCertificates(builder.Configuration);
        // Capped here, so that every pool of the silo (Orleans' providers, the grains', search's) is.
        var connectionString = database.CappedConnectionString();

        // SIGTERM (or Ctrl-C) stops the host: Orleans then marks the silo ShuttingDown, deactivates
        // its grains and hands their directory entries over before the silo leaves the table as Dead.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout);
        // Our tuning first, then anything set under Orleans:Membership on top of it.
        builder.Services.Configure<ClusterMembershipOptions>(SiloOptions.TuneMembership);
        builder.Services.Configure<ClusterMembershipOptions>(builder.Configuration.GetSection(SiloOptions.MembershipSection));
        builder.Services.Configure<GrainDirectoryOptions>(SiloOptions.SizeDirectoryCache);
        builder.Services.Configure<GrainDirectoryOptions>(builder.Configuration.GetSection(SiloOptions.DirectorySection));

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
            // Both ports listen on the advertised address only (loopback unless configured), not on
            // every interface, unless ListenOnAnyHostAddress says the address is a NAT's.
            silo.ConfigureEndpoints(settings.AdvertisedIPAddress(), settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: settings.ListenOnAnyHostAddress);
            if (tls is not null)
            {
                // Silo-to-silo (both directions) and gateway-to-silo connections: mutual TLS, the cluster's authority only.
                silo.UseTls(tls.Apply);
            }
            if (settings.Kubernetes)
            {
                // It fills in only what is unset: the advertised address stays Orleans:AdvertisedAddress
                // (the pod's IP, which validation has checked is not loopback).
                silo.UseKubernetesHosting();
            }
            silo.UseChatApp(connectionString);
            silo.UseChatOperations();
        });
        return builder.Build();
    }
}
