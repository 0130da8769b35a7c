using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using ChatApp.Tests.Failover.Support;
using ChatApp.Tests.Support;
using Orleans.Connections.Security;
using Xunit;

namespace ChatApp.Tests.Failover;

/// <summary>
/// The Orleans ports are closed to everyone but the cluster's own processes: a client or a silo
/// gets in only with a certificate of the cluster's authority (mutual TLS), and a silo listens on
/// its configured address (loopback by default), not on every interface.
/// </summary>
public sealed class ClosedClusterTests(ClosedClusterTests.OneSilo fixture) : IClassFixture<ClosedClusterTests.OneSilo>
{
    /// <summary>
    /// How long a refused caller tries: past the 10 s after which Orleans' TLS handshake gives up, and
    /// many times what an admitted caller needs here (about 1 s), yet each refusal test waits it out whole.
    /// </summary>
    private static readonly TimeSpan Refusal = TimeSpan.FromSeconds(15);

    /// <summary>How long an admitted caller may take on a loaded machine; it costs nothing when it is quick.</summary>
    private static readonly TimeSpan Admission = TimeSpan.FromSeconds(60);

    private FailoverCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task A_client_with_a_certificate_of_the_clusters_authority_calls_grains()
    {
        var silos = await ClusterCaller.CountActiveSilosAsync(Cluster, ClusterCaller.AsGateway(ClusterAuthority.Shared.GatewaySettings), Admission);

        Assert.Equal(1, silos);
    }

    [Fact]
    public async Task A_client_on_plain_tcp_cannot_call_grains()
    {
        await AssertRefusedAsync(tls: null);
    }

    [Fact]
    public async Task A_client_with_tls_but_no_certificate_cannot_call_grains()
    {
        await AssertRefusedAsync(tls =>
        {
            tls.ClientCertificateMode = RemoteCertificateMode.NoCertificate;
            tls.AllowAnyRemoteCertificate();
        });
    }

    [Fact]
    public async Task A_client_with_a_certificate_of_another_authority_cannot_call_grains()
    {
        var other = ClusterAuthority.Create("intruder");
        var intruder = ClusterCaller.AsGateway(other.GatewaySettings);
        // The intruder trusts whatever silo answers: only the silo's own check can keep it out.
        await AssertRefusedAsync(tls =>
        {
            intruder(tls);
            tls.AllowAnyRemoteCertificate();
        });
    }

    [Fact]
    public async Task A_silo_with_a_certificate_of_another_authority_cannot_join_the_cluster()
    {
        var other = ClusterAuthority.Create("rogue");
        await using var rogue = ChatProcess.StartSilo(Cluster.ConnectionString, Cluster.ClusterId, FreePort.Next(), FreePort.Next(), Cluster.LogDirectory, other.SiloSettings);

        // A joining silo must reach every active one before it may serve: refused, it gives up and exits.
        await Wait.UntilAsync(async () => rogue.HasExited || await Cluster.StatusAsync(rogue) == FailoverCluster.Active, TimeSpan.FromSeconds(120), "the rogue silo exits or joins");

        Assert.NotEqual(FailoverCluster.Active, await Cluster.StatusAsync(rogue));
        Assert.True(rogue.HasExited, $"The rogue silo is still running; see {rogue.LogPath}");
        Assert.Equal(1, await ClusterCaller.CountActiveSilosAsync(Cluster, ClusterCaller.AsGateway(ClusterAuthority.Shared.GatewaySettings), Admission));
    }

    [Fact]
    public async Task A_silo_without_a_certificate_stops_at_start_with_a_line_naming_the_setting()
    {
        await using var silo = ChatProcess.StartSilo(Cluster.ConnectionString, Cluster.ClusterId, FreePort.Next(), FreePort.Next(), Cluster.LogDirectory,
            new Dictionary<string, string> { ["Cluster:Tls:Certificate"] = "" });

        Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)), "The silo started without a certificate.");
        Assert.NotEqual(0, silo.ExitCode);
        await Wait.UntilAsync(() => silo.ReadLog().Contains("No Cluster:Tls:Certificate", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the line naming the setting");
        Assert.Null(await Cluster.StatusAsync(silo));
    }

    [Fact]
    public async Task A_gateway_told_to_use_plain_tcp_warns_that_the_cluster_is_open()
    {
        await using var gateway = ChatProcess.StartGateway(Cluster.ConnectionString, Cluster.ClusterId, FreePort.Next(), Cluster.LogDirectory,
            ["--Cluster:Tls:Enabled=false"]);

        await Wait.UntilAsync(() => gateway.ReadLog().Contains("Cluster:Tls:Enabled is false", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the warning about plain TCP");
        var warning = gateway.ReadLog().Split('\n').First(l => l.Contains("Cluster:Tls:Enabled is false", StringComparison.Ordinal));
        Assert.Contains("warn:", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silo_started_without_an_address_listens_on_loopback_only()
    {
        var silo = Cluster.Silos[0];
        var listeners = IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpListeners();

        foreach (var port in new[] { silo.Port, silo.GatewayPort })
        {
            var bound = listeners.Where(l => l.Port == port).ToList();
            Assert.NotEmpty(bound);
            Assert.All(bound, endpoint => Assert.Equal(IPAddress.Loopback, endpoint.Address));
            // And so nothing answers on the machine's other addresses (if it has any).
            foreach (var address in LocalAddressesBesidesLoopback())
            {
                using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                var refused = await Assert.ThrowsAsync<SocketException>(() => socket.ConnectAsync(address, port).WaitAsync(Refusal));
                Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
            }
        }
    }

    private async Task AssertRefusedAsync(Action<TlsOptions>? tls)
    {
        var started = DateTime.UtcNow;
        var refused = await Record.ExceptionAsync(() => ClusterCaller.CountActiveSilosAsync(Cluster, tls, Refusal));

        Assert.NotNull(refused);
        Assert.True(DateTime.UtcNow - started < Refusal + TimeSpan.FromSeconds(10), $"Refused only after {DateTime.UtcNow - started}.");
    }

    private static IEnumerable<IPAddress> LocalAddressesBesidesLoopback() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork);

    /// <summary>One silo process and a gateway, shared by these tests; none of them changes it.</summary>
    public sealed class OneSilo : IAsyncLifetime
    {
        public FailoverCluster Cluster { get; private set; } = null!;

        public async Task InitializeAsync() => Cluster = await FailoverCluster.StartAsync(silos: 1);

        public async Task DisposeAsync() => await Cluster.DisposeAsync();
    }
}
