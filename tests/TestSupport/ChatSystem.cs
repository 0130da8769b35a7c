using ChatApp.Gateway;
using ChatApp.Silo.Hosting;
using ChatApp.Silo.Operations;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ChatApp.Tests.Support;

/// <summary>
/// The whole ChatApp running in this test process on real sockets: silos clustered through
/// PostgreSQL, and a gateway serving HTTP, WebSockets and the page on a free loopback port.
/// Each instance has its own database and cluster id, so systems never see each other. Silos and
/// gateway talk over mutual TLS with certificates of <see cref="ClusterAuthority.Shared"/>, as in production.
/// </summary>
public sealed class ChatSystem : IAsyncDisposable
{
    public const string SigningKey = "test-signing-key-that-is-long-enough-for-hmac-sha256";

    private readonly List<IHost> _silos = [];
    private WebApplication? _gateway;
    private readonly string _clusterId = $"test-{Guid.NewGuid():N}";
    private readonly IReadOnlyDictionary<string, string> _gatewaySettings;
    private readonly IReadOnlyDictionary<string, string> _siloSettings;
    private readonly Action<WebApplicationBuilder>? _configureGateway;

    private ChatSystem(
        TestDatabase database,
        IReadOnlyDictionary<string, string>? gatewaySettings,
        IReadOnlyDictionary<string, string>? siloSettings = null,
        Action<WebApplicationBuilder>? configureGateway = null)
    {
        Database = database;
        _siloSettings = siloSettings ?? new Dictionary<string, string>();
        _configureGateway = configureGateway;
        var settings = new Dictionary<string, string>(RoomyLimits) { [WarmupUsers] = "0" };
        foreach (var (key, value) in gatewaySettings ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }
        _gatewaySettings = settings;
    }

    /// <summary>
    /// The setting that turns the gateway's warm-up off, as tests' gateways have it unless a test
    /// turns it on (WarmupTests): hundreds of gateways start in a run, and none is measured.
    /// </summary>
    public const string WarmupUsers = "Warmup:Users";

    /// <summary>
    /// Abuse limits wide enough for tests that drive many users and messages from one address;
    /// the tests of the limits themselves pass their own, tight, settings.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> RoomyLimits = new Dictionary<string, string>
    {
        ["Limits:MessagesPerSecond"] = "100000",
        ["Limits:MessageBurst"] = "100000",
        ["Limits:FramesPerSecond"] = "100000",
        ["Limits:FrameBurst"] = "100000",
        ["Limits:AuthCallsPerAddressPerMinute"] = "100000",
        ["Limits:ConnectionsPerUser"] = "1000",
        ["Limits:SearchesPerSecond"] = "100000",
        ["Limits:SearchBurst"] = "100000",
        ["Limits:HistoryReadsPerSecond"] = "100000",
        ["Limits:HistoryReadBurst"] = "100000",
        ["Limits:SocketsPerAddress"] = "100000",
    };

    public TestDatabase Database { get; }

    /// <summary>The Orleans cluster id of this system, for a test that starts one more process into it.</summary>
    public string ClusterId => _clusterId;
    public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");
    public Uri SocketUri => new($"ws://{BaseUri.Authority}/ws");

    /// <summary>
    /// Each silo's admin listener (dashboard, /metrics, /healthz, /readyz), on a port the system
    /// chose unless siloSettings name a Dashboard:Port; null for a silo whose listener did not start.
    /// </summary>
    public IReadOnlyList<Uri?> SiloAdminUris => [.. _silos.Select(s => s.Services.GetRequiredService<SiloAdminServer>().Url)];

    /// <summary>
    /// Starts a system with the given number of silos on a fresh database. Extra gateway settings
    /// (configuration keys such as <c>Gateway:HelloTimeout</c>) override the defaults, restarts included.
    /// </summary>
    /// <param name="siloSettings">Extra configuration of every silo (Dashboard:Username, say), over the defaults.</param>
    /// <param name="configureGateway">Last changes to the gateway's services (a log capture, say) before it is built.</param>
    /// <param name="database">A database made beforehand (an older release's data, say), which the system then owns; else a fresh one.</param>
    public static async Task<ChatSystem> StartAsync(
        int silos = 1,
        IReadOnlyDictionary<string, string>? gatewaySettings = null,
        IReadOnlyDictionary<string, string>? siloSettings = null,
        Action<WebApplicationBuilder>? configureGateway = null,
        TestDatabase? database = null)
    {
        var system = new ChatSystem(database ?? await TestDatabase.CreateAsync(), gatewaySettings, siloSettings, configureGateway);
        try
        {
            await system.StartProcessesAsync(silos);
            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops every silo and the gateway, then starts them again on the same database.</summary>
    public async Task RestartAsync()
    {
        var silos = _silos.Count;
        await StopProcessesAsync();
        await StartProcessesAsync(silos);
    }

    public HttpClient Http() => new() { BaseAddress = BaseUri };

    /// <summary>The running gateway's services, for tests that reach behind the sockets (say, to break the live path).</summary>
    public IServiceProvider GatewayServices => _gateway?.Services ?? throw new InvalidOperationException("The gateway is not running.");

    /// <summary>
    /// An HTTP client whose connections leave from <paramref name="address"/>, another loopback
    /// address (127.0.0.2, ...): to the gateway a different client address, as another machine would be.
    /// </summary>
    public HttpClient HttpFrom(System.Net.IPAddress address) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            try
            {
                socket.Bind(new System.Net.IPEndPoint(address, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = BaseUri };

    /// <summary>An HTTP client that calls the API as the token's user.</summary>
    public HttpClient Http(string token)
    {
        var http = Http();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>Registers a fresh user (its name starts with <paramref name="prefix"/>) and returns its name and token.</summary>
    public async Task<(string Name, string Token)> RegisterAsync(string prefix = "user")
    {
        using var http = Http();
        return await Accounts.RegisterAsync(http, prefix);
    }

    /// <summary>Registers the named user, or logs in if the name is taken, and returns its token.</summary>
    public async Task<string> SignInAsync(string name, string password)
    {
        using var http = Http();
        return await Accounts.SignInAsync(http, name, password);
    }

    /// <summary>
    /// Signs the named user in (registering it if new) and grants it the admin role the way an
    /// operator does (<c>ChatApp.Silo admin grant NAME</c> runs the same code); returns its token.
    /// </summary>
    public async Task<string> SignInAdminAsync(string name, string password)
    {
        var token = await SignInAsync(name, password);
        var code = await ChatApp.Silo.Database.AdminGrants.RunAsync(Database.ConnectionString, ["grant", name], TextWriter.Null, TextWriter.Null);
        return code == 0 ? token : throw new InvalidOperationException($"admin grant {name} failed with {code}");
    }

    /// <summary>A registered user with an open, greeted WebSocket.</summary>
    public async Task<ChatTestClient> ConnectNewUserAsync(string prefix = "user")
    {
        var (name, token) = await RegisterAsync(prefix);
        return await ChatTestClient.ConnectGreetedAsync(SocketUri, name, token);
    }

    private async Task StartProcessesAsync(int silos)
    {
        for (var i = 0; i < silos; i++)
        {
            _silos.Add(await StartSiloAsync());
        }

        var port = FreePort.Next();
        var gateway = GatewayApp.Build(
        [
            $"--urls=http://127.0.0.1:{port}",
            $"--contentRoot={Path.Combine(RepositoryRoot, "Gateway")}",
            $"--ConnectionStrings:Chat={Database.ConnectionString}",
            $"--Orleans:ClusterId={_clusterId}",
            $"--Auth:SigningKey={SigningKey}",
            .. ClusterAuthority.Shared.GatewaySettings.Select(setting => $"--{setting.Key}={setting.Value}"),
            .. _gatewaySettings.Select(setting => $"--{setting.Key}={setting.Value}"),
        ], _configureGateway);
        await StartedOrDisposedAsync(gateway);
        _gateway = gateway;
        BaseUri = new Uri($"http://127.0.0.1:{port}/");
    }

    /// <summary>
    /// Starts a silo on two free loopback ports. A port found free can still be taken, before the
    /// silo binds it, by an outgoing connection of this busy process (the kernel hands out the same
    /// range on 127.0.0.1): then the silo tries again on two others.
    /// </summary>
    private async Task<IHost> StartSiloAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var silo = SiloHostBuilder.Build([], config => config.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Chat"] = Database.ConnectionString,
                ["Orleans:ClusterId"] = _clusterId,
                ["Orleans:SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Orleans:GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
                // The admin listener on a port of the system's choosing: silos of parallel tests never collide.
                ["Dashboard:Port"] = "0",
            }).AddInMemoryCollection(ClusterAuthority.Shared.SiloSettings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .AddInMemoryCollection(_siloSettings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))));
            try
            {
                await StartedOrDisposedAsync(silo);
                return silo;
            }
            catch (Microsoft.AspNetCore.Connections.AddressInUseException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>
    /// Starts a host, or disposes of it when it fails to start: a host that never started cannot
    /// be stopped (Host.StopAsync throws over hosted services it never made), so only started ones
    /// are kept for <see cref="StopProcessesAsync"/>, and the start's own exception says why.
    /// </summary>
    private static async Task StartedOrDisposedAsync(IHost host)
    {
        try
        {
            await host.StartAsync();
        }
        catch
        {
            if (host is IAsyncDisposable asynchronous)
            {
                await asynchronous.DisposeAsync();
            }
            else
            {
                host.Dispose();
            }
            throw;
        }
    }

    private async Task StopProcessesAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.StopAsync();
            await _gateway.DisposeAsync();
            _gateway = null;
        }
        foreach (var silo in _silos)
        {
            await silo.StopAsync();
            silo.Dispose();
        }
        _silos.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopProcessesAsync();
        }
        finally
        {
            await Database.DisposeAsync();
        }
    }

    /// <summary>The checkout's top folder, where the gateway's web page lives.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ChatApp.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("ChatApp.sln not found above " + AppContext.BaseDirectory);
    }
}
