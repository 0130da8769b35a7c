using System.Globalization;
using System.Text;
using ChatApp.Defaults;
using ChatApp.Tests.Operations.Support;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Operations;

/// <summary>
/// The container images that scripts/images.sh builds with the .NET SDK: what their configs say
/// (entry point, user, ports, labels), that their entry points really run (through
/// scripts/image-run.sh, no container engine), and that docs/kubernetes/ asks them for what they serve.
/// </summary>
[Collection(ImageCollection.Name)]
public sealed class ImageTests(ImagesFixture images, TestDatabaseFixture database) : IClassFixture<TestDatabaseFixture>
{
    private const string AppUser = "1654";
    private static readonly TimeSpan StartWithin = TimeSpan.FromMinutes(2);

    [Fact]
    public void The_silo_image_runs_its_own_executable_as_the_app_user_and_exposes_the_silo_the_gateway_and_the_admin_port()
    {
        Assert.Equal(["/app/ChatApp.Silo"], images.Silo.Entrypoint);
        Assert.Equal(AppUser, images.Silo.User);
        Assert.Equal("/app/", images.Silo.WorkingDir);
        Assert.Equal([8080, 11111, 30000], images.Silo.ExposedPorts);
        Assert.Equal("0.0.0.0", images.Silo.Environment["Dashboard__Host"]);
    }

    [Fact]
    public void The_gateway_image_serves_the_page_from_its_working_directory_on_the_port_it_exposes()
    {
        Assert.Equal(["/app/ChatApp.Gateway"], images.Gateway.Entrypoint);
        Assert.Equal(AppUser, images.Gateway.User);
        Assert.Equal("/app/", images.Gateway.WorkingDir);
        Assert.Equal([8080], images.Gateway.ExposedPorts);
        Assert.Equal("8080", images.Gateway.Environment["ASPNETCORE_HTTP_PORTS"]);
        var page = images.Gateway.FileContents("/app/wwwroot/index.html");
        Assert.NotNull(page);
        Assert.Equal(File.ReadAllBytes(Path.Combine(ChatSystem.RepositoryRoot, "Gateway", "wwwroot", "index.html")), page);
    }

    [Fact]
    public void Both_images_name_their_title_version_source_and_revision()
    {
        foreach (var (image, title) in new[] { (images.Silo, "ChatApp silo"), (images.Gateway, "ChatApp gateway") })
        {
            var labels = image.Labels;
            Assert.Equal(title, labels["org.opencontainers.image.title"]);
            Assert.False(string.IsNullOrWhiteSpace(labels["org.opencontainers.image.version"]));
            Assert.Equal(ImagesFixture.Source, labels["org.opencontainers.image.source"]);
            Assert.Equal(images.Revision, labels["org.opencontainers.image.revision"]);
        }
    }

    [Fact]
    public void Neither_image_carries_the_compiler_that_orleans_packages_bring()
    {
        // Orleans' packages depend on Roslyn for their source generator; nothing in a server loads
        // it, and it was the largest code in each image (Directory.Build.props, DeployedServer).
        foreach (var image in new[] { images.Silo, images.Gateway })
        {
            Assert.Null(image.FileContents("/app/Microsoft.CodeAnalysis.dll"));
            Assert.Null(image.FileContents("/app/Microsoft.CodeAnalysis.Workspaces.dll"));
        }
    }

    [Fact]
    public void The_app_user_is_in_the_images_and_is_not_root()
    {
        foreach (var image in new[] { images.Silo, images.Gateway })
        {
            var passwd = Encoding.UTF8.GetString(image.FileContents("/etc/passwd") ?? []);
            var user = passwd.Split('\n').Select(line => line.Split(':')).Single(fields => fields.Length > 2 && fields[2] == AppUser);
            Assert.Equal("app", user[0]);
            Assert.NotEqual("0", image.User);
        }
    }

    [Fact]
    public async Task The_silo_image_migrates_a_database_with_its_migrate_argument()
    {
        // A database left at the first script: the image's entry point must apply the rest.
        var first = Directory.GetFiles(Path.Combine(ChatSystem.RepositoryRoot, "sql"), "*.sql").Select(Path.GetFileName).Order(StringComparer.Ordinal).First();
        await using var behind = await TestDatabase.CreateAsync(migratedThrough: first);

        await using var migrate = ImageProcess.Start(images.Silo, new Dictionary<string, string> { ["ConnectionStrings__Chat"] = behind.ConnectionString }, "migrate");

        Assert.Equal(0, await migrate.ExitCodeAsync(StartWithin));
        var scripts = Directory.GetFiles(Path.Combine(ChatSystem.RepositoryRoot, "sql"), "*.sql").Length;
        Assert.Equal(scripts, await Sql.ScalarAsync<long>(behind.ConnectionString, "SELECT count(*) FROM schemaversions"));
    }

    [Fact]
    public async Task A_silo_and_a_gateway_from_the_images_form_a_cluster_that_answers_the_manifests_probes_and_stops_on_SIGTERM()
    {
        var manifests = KubernetesManifests.Load();
        var siloProbe = manifests.Get("Deployment", "chatapp-silo").Probe("readinessProbe");
        var gatewayReady = manifests.Get("Deployment", "chatapp-gateway").Probe("readinessProbe");
        var gatewayLive = manifests.Get("Deployment", "chatapp-gateway").Probe("livenessProbe");
        var cluster = $"images-{Guid.NewGuid():N}";
        int siloAdmin = FreePort.Next(), gatewayPort = FreePort.Next();

        // On loopback, and without the cluster's TLS: the certificates' files are outside the image's root.
        await using var silo = ImageProcess.Start(images.Silo, new Dictionary<string, string>
        {
            ["ConnectionStrings__Chat"] = database.ConnectionString,
            ["Orleans__ClusterId"] = cluster,
            ["Orleans__ListenOnAnyHostAddress"] = "false",
            ["Orleans__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Dashboard__Host"] = "127.0.0.1",
            ["Dashboard__Port"] = siloAdmin.ToString(CultureInfo.InvariantCulture),
            ["Cluster__Tls__Enabled"] = "false",
        });
        await using var gateway = ImageProcess.Start(images.Gateway, new Dictionary<string, string>
        {
            ["ConnectionStrings__Chat"] = database.ConnectionString,
            ["Orleans__ClusterId"] = cluster,
            ["Auth__SigningKey"] = ChatSystem.SigningKey,
            ["ASPNETCORE_HTTP_PORTS"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
            ["Cluster__Tls__Enabled"] = "false",
        });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        await Eventually.Until(() => AnswersAsync(http, $"http://127.0.0.1:{siloAdmin}{siloProbe.Path}"), "the silo ready: " + silo.Output, StartWithin);
        await Eventually.Until(() => AnswersAsync(http, $"http://127.0.0.1:{gatewayPort}{gatewayReady.Path}"), "the gateway ready: " + gateway.Output, StartWithin);
        Assert.True(await AnswersAsync(http, $"http://127.0.0.1:{gatewayPort}{gatewayLive.Path}"));
        Assert.Contains("<html", await http.GetStringAsync($"http://127.0.0.1:{gatewayPort}/"), StringComparison.OrdinalIgnoreCase);

        Assert.Equal(0, await gateway.StopAsync(TimeSpan.FromSeconds(40)));
        Assert.Equal(0, await silo.StopAsync(TimeSpan.FromSeconds(40)));
    }

    [Fact]
    public void The_manifests_ask_each_image_for_the_ports_it_exposes_and_the_health_paths_it_serves()
    {
        var manifests = KubernetesManifests.Load();
        foreach (var (name, image) in new[] { ("chatapp-silo", images.Silo), ("chatapp-gateway", images.Gateway) })
        {
            var deployment = manifests.Get("Deployment", name);
            // The gateway's metrics port is one the manifest opens (Metrics__Port); the image has it off.
            Assert.Equal(image.ExposedPorts, deployment.Ports.Where(p => p.Key != "metrics").Select(p => p.Value).Order());
            foreach (var (probe, path) in new[] { ("readinessProbe", HealthAndMetrics.ReadyPath), ("livenessProbe", HealthAndMetrics.LivePath) })
            {
                var (probedPath, port) = deployment.Probe(probe);
                Assert.Equal(path, probedPath);
                Assert.Contains(port, image.ExposedPorts);
            }
        }
        // The silo's probes go to its admin port (Dashboard:Port), where /healthz and /readyz are served.
        Assert.Equal(ChatApp.Silo.Operations.AdminPortOptions.DefaultPort, manifests.Get("Deployment", "chatapp-silo").Probe("readinessProbe").Port);
        var gateway = manifests.Get("Deployment", "chatapp-gateway");
        Assert.Equal(gateway.Ports["metrics"].ToString(CultureInfo.InvariantCulture), gateway.Environment["Metrics__Port"]);
        Assert.Equal(images.Gateway.Environment["ASPNETCORE_HTTP_PORTS"], gateway.Ports["http"].ToString(CultureInfo.InvariantCulture));
    }

    private static async Task<bool> AnswersAsync(HttpClient http, string url)
    {
        try
        {
            using var response = await http.GetAsync(url);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }
}

/// <summary>The image tests share one build of the images.</summary>
[CollectionDefinition(Name)]
public sealed class ImageCollection : ICollectionFixture<ImagesFixture>
{
    public const string Name = "images";
}
