using System.Net;
using System.Net.Http.Json;
using ChatApp.Tests.Operations.Support;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Operations;

/// <summary>
/// /metrics on the gateway (its metrics port) and on the silo (admin port), in Prometheus' format: the
/// chat's own counters move as users chat, beside Orleans', Npgsql's, ASP.NET Core's and the runtime's.
/// Other tests run alongside in this process, so counters are checked to grow by at least as much as this test did.
/// </summary>
public sealed class MetricsTests(OperationsFixture fixture) : IClassFixture<OperationsFixture>
{
    private ChatSystem System => fixture.System;

    private Uri GatewayMetrics => fixture.GatewayMetrics;

    private Uri SiloMetrics => new(fixture.SiloAdmin, "/metrics");

    [Fact]
    public async Task Gateway_metrics_are_served_on_the_metrics_port_and_not_on_the_public_one()
    {
        using var http = new HttpClient();
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, new Uri(System.BaseUri, "/metrics"));
        spoofed.Headers.Host = GatewayMetrics.Authority;

        using var onMetricsPort = await http.GetAsync(GatewayMetrics);
        using var onPublicPort = await http.GetAsync(new Uri(System.BaseUri, "/metrics"));
        using var withMetricsPortsHost = await http.SendAsync(spoofed);

        Assert.Equal(HttpStatusCode.OK, onMetricsPort.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, onPublicPort.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, withMetricsPortsHost.StatusCode);
    }

    [Fact]
    public async Task Gateway_counters_move_when_users_chat()
    {
        using var http = new HttpClient();
        var before = await PrometheusText.ScrapeAsync(http, GatewayMetrics);
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room) = pair;
        long last = 0;
        for (var i = 0; i < 3; i++)
        {
            last = await alice.SendAsync(room, $"message {i}");
        }
        await bob.WaitForEventAsync(room, last);
        await alice.WaitForEventAsync(room, last);

        // Two hellos, two joins and three sends came in; three messages went out to two sockets each,
        // besides the replies.
        var after = await GrownAsync(http, GatewayMetrics, before,
            ("chatapp_gateway_messages_delivered_total", null, 6),
            ("chatapp_gateway_frames_in_total", null, 7),
            ("chatapp_gateway_frames_out_total", null, 7 + 6),
            // At least one event fanned out live: the others may have been read from the log instead,
            // when the live path delivered them out of order (and that is no error).
            ("chatapp_gateway_fanout_duration_seconds_count", null, 1));
        Assert.True(after.Sum("chatapp_gateway_connections") >= 2, "alice's and bob's sockets are open");
        Assert.True(after.Has("chatapp_gateway_fanout_duration_seconds_bucket"));
        Assert.True(after.Has("dotnet_gc_collections_total"), "the runtime's meters");
        Assert.Contains("orleans_", after.Text, StringComparison.Ordinal);
        Assert.Contains("db_client_", after.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_counts_sent_messages_and_times_their_commit()
    {
        using var http = new HttpClient();
        var before = await PrometheusText.ScrapeAsync(http, SiloMetrics);
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        for (var i = 0; i < 3; i++)
        {
            await alice.SendAsync(room, $"message {i}");
        }

        var after = await GrownAsync(http, SiloMetrics, before,
            ("chatapp_room_messages_sent_total", null, 3),
            ("chatapp_room_commit_duration_seconds_count", null, 3));
        Assert.True(after.Sum("chatapp_room_commit_duration_seconds_sum") > 0);
        Assert.Contains("orleans_", after.Text, StringComparison.Ordinal);
        Assert.Contains("db_client_", after.Text, StringComparison.Ordinal);
        Assert.True(after.Has("dotnet_gc_collections_total"), "the runtime's meters");
    }

    [Fact]
    public async Task Refused_logins_and_resumed_sessions_are_counted()
    {
        using var http = new HttpClient();
        var before = await PrometheusText.ScrapeAsync(http, GatewayMetrics);

        // Five wrong passwords use up the user's allowance; the sixth attempt is refused unchecked.
        var (name, _) = await System.RegisterAsync("target");
        using var api = System.Http();
        HttpStatusCode status;
        do
        {
            using var response = await api.PostAsJsonAsync("/api/auth/login", new { username = name, password = "not the password" });
            status = response.StatusCode;
        }
        while (status == HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.TooManyRequests, status);

        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        var seq = await alice.SendAsync(room, "before the tunnel");
        await using var again = await System.ConnectAgainAsync(alice, resume: new Dictionary<string, long> { [room] = seq });

        await GrownAsync(http, GatewayMetrics, before,
            ("chatapp_gateway_rate_limited_total", "limit=\"logins\"", 1),
            ("chatapp_gateway_resumes_total", null, 1));
    }

    /// <summary>Scrapes until every metric grew by at least its amount since <paramref name="before"/>.</summary>
    private static async Task<PrometheusText> GrownAsync(HttpClient http, Uri metrics, PrometheusText before, params (string, string?, double)[] growth)
    {
        var (scrape, _) = await Eventually.Until(
            async () =>
            {
                var now = await PrometheusText.ScrapeAsync(http, metrics);
                return (now, Unmet: string.Join("; ", now.Unmet(before, growth)));
            },
            result => result.Unmet.Length == 0,
            "grown as expected");
        return scrape;
    }
}
