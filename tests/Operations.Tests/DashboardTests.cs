using System.Net;
using System.Text.Json;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Operations;

/// <summary>The Orleans Dashboard and the silo's health endpoints, on the silo's admin port.</summary>
public sealed class DashboardTests(OperationsFixture fixture) : IClassFixture<OperationsFixture>
{
    private ChatSystem System => fixture.System;

    [Fact]
    public async Task Dashboard_serves_its_page_and_shows_a_rooms_and_a_sessions_state()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        var seq = await alice.SendAsync(room, "hello, dashboard");
        using var http = new HttpClient { BaseAddress = fixture.SiloAdmin };

        using var page = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("text/html", page.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);

        // The dashboard's grain-state view asks /GrainState with the grain class and key, and gets
        // back the grain's state as a JSON text (a string inside the JSON answer), keyed by method.
        var roomState = await GrainStateAsync(http, "ChatApp.Rooms.RoomGrain", room);
        Assert.True(roomState.GetProperty("Exists").GetBoolean());
        Assert.Equal(alice.User, roomState.GetProperty("Owner").GetString());
        Assert.Equal("owner", roomState.GetProperty("Members").GetProperty(alice.User).GetString());
        Assert.Equal(seq, roomState.GetProperty("LastSeq").GetInt64());

        var sessionState = await GrainStateAsync(http, "ChatApp.Users.UserSessionGrain", alice.User);
        Assert.Contains(room, sessionState.GetProperty("Rooms").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Dashboard_shows_each_silos_orleans_counters_sampled_on_its_own_interval()
    {
        using var http = new HttpClient { BaseAddress = fixture.SiloAdmin };

        // Sampled every 10 s (Dashboard:CounterUpdateIntervalMs), not every second: the first
        // sample may be a whole interval away, and the dashboard lists the silos on its first refresh.
        var names = await Eventually.Until(async () =>
        {
            using var cluster = JsonDocument.Parse(await http.GetStringAsync("/DashboardCounters"));
            var found = new List<string>();
            foreach (var host in cluster.RootElement.GetProperty("hosts").EnumerateArray())
            {
                var silo = host.GetProperty("siloAddress").GetString()!;
                using var counters = JsonDocument.Parse(await http.GetStringAsync($"/SiloCounters/{Uri.EscapeDataString(silo)}"));
                found.AddRange(counters.RootElement.EnumerateArray().Select(c => c.GetProperty("name").GetString()!));
            }
            return found;
        }, found => found.Any(name => name.StartsWith("orleans-", StringComparison.Ordinal)), "the silos' Orleans counters on the dashboard", TimeSpan.FromSeconds(30));

        Assert.Contains(names, name => name.StartsWith("orleans-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Silo_is_live_and_ready_on_the_admin_port()
    {
        using var http = new HttpClient { BaseAddress = fixture.SiloAdmin };
        using var live = await http.GetAsync("/healthz");
        using var ready = await http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    private static async Task<JsonElement> GrainStateAsync(HttpClient http, string grainType, string key)
    {
        using var response = await http.GetAsync($"/GrainState?grainId={Uri.EscapeDataString(key)}&grainType={Uri.EscapeDataString(grainType)}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetString()!;
        var state = JsonDocument.Parse(text).RootElement;
        Assert.False(state.TryGetProperty("error", out var error), $"the dashboard failed: {error}");
        return state.GetProperty("GetState").Clone();
    }
}
