using System.Globalization;
using System.Net;
using ChatApp.Gateway;
using ChatApp.Gateway.Sockets;
using ChatApp.Tests.Operations.Support;
using ChatApp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit;

namespace ChatApp.Tests.Operations;

/// <summary>
/// A gateway is ready only once it is warm and while its database answers. A second gateway of a
/// running system reaches the database through a cable the test can unplug; the shared PostgreSQL
/// server is never stopped.
/// </summary>
public sealed class ReadinessTests
{
    [Fact]
    public async Task Gateway_readiness_is_503_while_its_database_is_unreachable_and_200_when_it_is_back()
    {
        await using var system = await ChatSystem.StartAsync();
        var database = new NpgsqlConnectionStringBuilder(system.Database.ConnectionString);
        await using var cable = new NetworkCable(database.Host!, database.Port);
        var throughCable = new NpgsqlConnectionStringBuilder(system.Database.ConnectionString) { Host = "127.0.0.1", Port = cable.Port, Pooling = true };
        var port = FreePort.Next();
        await using var second = GatewayApp.Build(
        [
            $"--urls=http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            $"--contentRoot={Path.Combine(ChatSystem.RepositoryRoot, "Gateway")}",
            $"--ConnectionStrings:Chat={throughCable.ConnectionString}",
            $"--Orleans:ClusterId={system.ClusterId}",
            $"--Auth:SigningKey={ChatSystem.SigningKey}",
            $"--{ChatSystem.WarmupUsers}=0",
            .. ClusterAuthority.Shared.GatewaySettings.Select(setting => $"--{setting.Key}={setting.Value}"),
        ]);
        await second.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/") };
        using var first = system.Http();

        await Eventually.Until(() => ReadinessAsync(http), s => s == HttpStatusCode.OK, "ready with the database reachable");

        cable.Unplug();
        await Eventually.Until(() => ReadinessAsync(http), s => s == HttpStatusCode.ServiceUnavailable, "unready with the database cut off");
        // Liveness is not readiness: the process is fine, and so is the gateway whose path to the database is intact.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await ReadinessAsync(first));

        cable.PlugIn();
        await Eventually.Until(() => ReadinessAsync(http), s => s == HttpStatusCode.OK, "ready again once the database is back");

        await second.StopAsync();
    }

    [Fact]
    public async Task A_gateway_warming_up_is_not_ready_and_logs_it_as_a_warning_not_an_error()
    {
        const string HealthChecks = "Microsoft.Extensions.Diagnostics.HealthChecks";
        var capture = new LogCapture();
        await using var system = await ChatSystem.StartAsync(
            gatewaySettings: new Dictionary<string, string>
            {
                [ChatSystem.WarmupUsers] = "8",
                ["Warmup:Visitors"] = "4",
                ["Warmup:RoomSize"] = "2",
                ["Warmup:Rounds"] = "2",
                // Long enough between the rounds for the question below to come while the gateway warms up.
                ["Warmup:Pause"] = "00:00:05",
            },
            configureGateway: builder => builder.Logging.AddProvider(capture));
        using var http = system.Http();
        var warmup = system.GatewayServices.GetRequiredService<SocketWarmup>().Done;

        using (var warming = await http.GetAsync("/readyz"))
        {
            Assert.False(warmup.IsCompleted, "the warm-up ended before the test could ask");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, warming.StatusCode);
            Assert.Equal("Degraded", await warming.Content.ReadAsStringAsync());
        }
        Assert.Null((await warmup.WaitAsync(TimeSpan.FromSeconds(60))).Failure);

        Assert.Equal(HttpStatusCode.OK, await ReadinessAsync(http));
        Assert.Contains(capture.Entries, e => e.StartsWith($"Warning {HealthChecks}", StringComparison.Ordinal) && e.Contains("warming up", StringComparison.Ordinal));
        Assert.DoesNotContain(capture.Entries, e => e.StartsWith($"Error {HealthChecks}", StringComparison.Ordinal));
    }

    private static async Task<HttpStatusCode> ReadinessAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/readyz");
        return response.StatusCode;
    }
}
