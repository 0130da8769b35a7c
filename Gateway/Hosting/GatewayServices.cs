using System.Threading.RateLimiting;
using ChatApp.Defaults;
using ChatApp.Gateway.Accounts;
using ChatApp.Gateway.Cluster;
using ChatApp.Gateway.Contract;
using ChatApp.Gateway.Http;
using ChatApp.Gateway.Limits;
using ChatApp.Gateway.Observability;
using ChatApp.Gateway.Sockets;
using Npgsql;
using Orleans.Configuration;

namespace ChatApp.Gateway.Hosting;

/// <summary>The gateway's parts, one call each; Program.cs reads as their list.</summary>
public static class GatewayServices
{
    /// <summary>An Orleans client that finds silo gateways through the membership table in PostgreSQL.</summary>
    public static WebApplicationBuilder AddChatCluster(this WebApplicationBuilder builder)
    {
        // The client is built from these, so they are read and validated now, by the rules the silo uses too.
        var database = builder.Services.AddDatabaseOptions(builder.Configuration);
        var cluster = builder.Services.AddValidatedOptions<ClusterIdentityOptions>(builder.Configuration.GetSection(ClusterIdentityOptions.Section));
        // Every pool of this process capped at Database:MaxPoolSize.
        var connectionString = database.CappedConnectionString();
        // Fail over fast (docs/deploy.md): re-read the silo list every 5 s instead of every minute, and
        // give up on a call lost with a dead silo after 5 s instead of 30. Registered before the client,
        // so Orleans:Gateway:GatewayListRefreshPeriod and Orleans:Messaging:ResponseTimeout override them.
        builder.Services.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
        builder.Services.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(5));
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
        });
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        return builder;
    }

    public static WebApplicationBuilder AddChatApi(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(o => ChatJson.Configure(o.SerializerOptions));
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ChatProblems.Handler>();
        builder.Services.AddChatAuth();
        builder.Services.AddValidatedOptions<LimitOptions>(LimitOptions.Section);
        builder.Services.AddSingleton<AbuseLimits>();
        builder.Services.AddRateLimiter(o =>
        {
            o.OnRejected = async (context, cancellationToken) =>
            {
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(60);
                context.HttpContext.RequestServices.GetRequiredService<Observability.GatewayMetrics>().RateLimited("auth_calls");
                await ChatProblems.Problem(Errors.ChatException.RateLimited(wait, "Too many attempts from this address; retry later."))
                    .ExecuteAsync(context.HttpContext);
            };
            // Guessing passwords or minting accounts from one address is slowed, whatever the names tried.
            o.AddPolicy(AuthApi.AuthPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = http.RequestServices.GetRequiredService<AbuseLimits>().Options.AuthCallsPerAddressPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHealthChecks()
            .AddNpgSql(tags: [HealthAndMetrics.Ready])
            .AddCheck<ClusterHealthCheck>("cluster", tags: [HealthAndMetrics.Ready]);
        return builder;
    }

    public static WebApplicationBuilder AddChatSockets(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ChatSocketOptions>(ChatSocketOptions.Section);
        builder.Services.AddValidatedOptions<FanOutOptions>(FanOutOptions.Section);
        builder.Services.AddSingleton<SocketIndex>();
        builder.Services.AddSingleton<JoinGuard>();
        builder.Services.AddSingleton<ConnectionHub>();
        builder.Services.AddSingleton<HelloGate>();
        builder.Services.AddSingleton<HelloHandshake>();
        builder.Services.AddSingleton<SharedGapReads>();
        builder.Services.AddSingleton<SocketReader>();
        builder.Services.AddHostedService<LeaseRenewal>();
        builder.Services.AddHostedService<SocketShutdown>();
        return builder;
    }

    public static WebApplication MapChat(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseSecurityHeaders();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapAuth();
        app.MapMe();
        app.MapRooms();
        app.MapMessages();
        app.MapReadMarkers();
        app.MapDirectRooms();
        app.MapSearch();
        app.MapChatSocket();
        return app;
    }
}
