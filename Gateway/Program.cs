using ChatApp.Defaults;
using ChatApp.Gateway.Accounts;
using ChatApp.Gateway.Admin;
using ChatApp.Gateway.Attachments;
using ChatApp.Gateway.Cluster;
using ChatApp.Gateway.Contract;
using ChatApp.Gateway.Http;
using ChatApp.Gateway.Limits;
using ChatApp.Gateway.Observability;
using ChatApp.Gateway.Profiles;
using ChatApp.Gateway.Sockets;
using Microsoft.Extensions.Configuration.Memory;
using Npgsql;

namespace ChatApp.Gateway;

/// <summary>
/// The gateway: its services, then its middleware and routes. The program runs it, and tests start
/// the same thing on a free port. README.md's layout table says what each folder holds; each
/// folder imports only those below it there.
/// </summary>
public static class GatewayApp
{
    public static void Main(string[] args) => Build(args).Run();

    /// <param name="args">The command line, as the program gets it.</param>
    /// <param name="configure">For tests: last changes to the services (a log capture, say) before the app is built.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddLogLevelDefaults();
        var services = builder.Services;

        // The database and the cluster, which the gateway is built on: read and validated now.
        var database = services.AddDatabaseOptions(builder.Configuration);
        builder.AddClusterClient(database);
        services.AddSingleton(_ => NpgsqlDataSource.Create(database.CappedConnectionString()));
        services.AddSingleton(TimeProvider.System);

        // Contract: the contract's JSON, and a problem with a code for every refusal.
        services.ConfigureHttpJsonOptions(o => ChatJson.Configure(o.SerializerOptions));
        services.AddProblemDetails();
        services.AddExceptionHandler<ChatProblems.Handler>();
        services.AddSecurityHeaders();

        // Limits and Accounts: per-user, per-socket and per-address limits; accounts, bearer tokens
        // and their revocation (every other setting below is validated when the app starts).
        services.AddValidatedOptions<LimitOptions>(LimitOptions.Section);
        services.AddSingleton<AbuseLimits>();
        services.AddAccounts();

        // Attachments: uploads' bounds and quotas, and where the files live (PostgreSQL unless
        // Attachments:Store says Folder).
        services.AddAttachments();
        // Avatars: their bounds, and the pictures (PostgreSQL, sql/0021).
        services.AddValidatedOptions<AvatarOptions>(AvatarOptions.Section);
        services.AddSingleton<UserAvatars>();
        // Profile changes told to the user's rooms, live (a `profile` frame).
        services.AddSingleton<ProfileAnnouncer>();

        // Cluster: this gateway's one observer, its sockets, the fan-out to them, and sends batched per room.
        services.AddValidatedOptions<FanOutOptions>(FanOutOptions.Section);
        services.AddSingleton<SocketIndex>();
        services.AddSingleton<JoinGuard>();
        services.AddSingleton<ConnectionHub>();
        services.AddSingleton<RoomSendBatcher>();
        services.AddSingleton<RoomJoinBatcher>();
        services.AddSingleton<SharedGapReads>();
        services.AddSingleton<SocketRevalidation>();
        services.AddHostedService<LeaseRenewal>();

        // Sockets: /ws, from the upgrade through hello to each frame.
        services.AddValidatedOptions<ChatSocketOptions>(ChatSocketOptions.Section);
        services.AddSingleton<HelloGate>();
        services.AddSingleton<MalformedInput>();
        services.AddSingleton<SocketSeats>();
        services.AddSingleton<HelloHandshake>();
        services.AddSingleton<SocketReader>();
        services.AddHostedService<SocketShutdown>();
        // Warmup: the gateway's own accounts through its own /ws before it says it is ready.
        services.AddValidatedOptions<WarmupOptions>(WarmupOptions.Section);
        services.AddSingleton<SocketWarmup>();
        services.AddHostedService(s => s.GetRequiredService<SocketWarmup>());

        // Observability and Admin: one-line logs (Logging:Format), metrics and health as on a silo
        // (ChatApp.Defaults; /metrics on a listener of its own, Metrics:Port), and who holds the admin role.
        builder.Logging.AddChatConsole(builder.Configuration);
        services.AddSingleton<GatewayMetrics>();
        services.AddChatMetrics("chatapp-gateway", GatewayMetrics.MeterName);
        services.AddHealthChecks()
            .AddNpgSql(tags: [HealthAndMetrics.Ready])
            .AddCheck<ClusterHealthCheck>("cluster", tags: [HealthAndMetrics.Ready])
            .AddCheck<WarmupHealthCheck>("warmup", tags: [HealthAndMetrics.Ready]);
        services.AddSingleton<AdminRole>();
        builder.AddMetricsListener();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseMetricsListener(); // /metrics, on Metrics:Port only
        app.UseSecurityHeaders();
        app.UseBodyLimits();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapHealth();           // /healthz, /readyz
        app.MapAuth();             // /api/auth: register, login, logout, password
        app.MapMe();               // /api/me, and changing one's own profile
        app.MapUsers();            // /api/users: profiles (display names) of other users
        app.MapAvatars();          // /api/me/avatar (set, remove), /api/users/{name}/avatar/{version}
        app.MapRooms();            // /api/rooms, with members, bans and roles
        app.MapRoomSettings();     // /api/rooms/{id}: topic, unban, owner, invite links; /api/invites/{code}
        app.MapMessages();         // /api/rooms/{id}/messages
        app.MapReadMarkers();      // /api/rooms/{id}/read
        app.MapAttachments();      // /api/rooms/{id}/attachments (upload), /api/attachments/{id} (fetch)
        app.MapDirectRooms();      // /api/dms
        app.MapInvitations();      // /api/invitations: accept or decline being added to a room
        app.MapSearch();           // /api/search
        app.MapAdmin();            // /api/admin/overview (the page is wwwroot/admin/)
        app.MapChatSocket();       // /ws
        return app;
    }
}
