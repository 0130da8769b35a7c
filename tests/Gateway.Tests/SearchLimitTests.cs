using System.Net;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>
/// A system with the default search rate, a slower history rate than the default (so that a
/// loaded test machine cannot refill the bucket while the test floods it), and a search
/// statement timeout of 1 ms, which a search ranking a thousand matches cannot meet.
/// </summary>
public sealed class SearchLimitsFixture() : ChatSystemFixture(
    gatewaySettings: new Dictionary<string, string>
    {
        ["Limits:SearchesPerSecond"] = "0.5",
        ["Limits:SearchBurst"] = "10",
        ["Limits:HistoryReadsPerSecond"] = "1",
        ["Limits:HistoryReadBurst"] = "20",
    },
    siloSettings: new Dictionary<string, string> { ["Search:StatementTimeout"] = "00:00:00.001" });

/// <summary>Search and history floods are rate limited per user; a search that runs long is stopped and says so.</summary>
public sealed class SearchLimitTests(SearchLimitsFixture fixture) : IClassFixture<SearchLimitsFixture>
{
    private ChatSystem System => fixture.System;

    [Fact]
    public async Task A_search_flood_is_refused_with_429_and_retry_after_for_that_user_only()
    {
        var (_, flooder) = await System.RegisterAsync("flood");
        var (_, calm) = await System.RegisterAsync("calm");
        using var http = System.Http(flooder);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage last = null!;
        for (var i = 0; i < 25; i++)
        {
            last = await http.GetAsync("/api/search?q=nothing");
            statuses.Add(last.StatusCode);
        }
        using var other = System.Http(calm);

        Assert.All(statuses[..10], s => Assert.NotEqual(HttpStatusCode.TooManyRequests, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.True(last.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await other.GetAsync("/api/search?q=nothing")).StatusCode);
    }

    [Fact]
    public async Task A_history_flood_over_http_and_frames_together_is_refused_with_rate_limited()
    {
        await using var reader = await System.ConnectNewUserAsync("reader");
        var room = Fresh.Room();
        await reader.JoinAsync(room);
        using var http = System.Http(reader.Token);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
        {
            statuses.Add((await http.GetAsync($"/api/rooms/{room}/messages")).StatusCode);
        }
        var frames = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            var answer = await reader.RequestAsync("history", new { room, before = 1 });
            frames.Add(answer is ErrorFrame error ? error.Code : "reply");
        }

        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Contains("rate_limited", frames);
        Assert.Equal("rate_limited", frames[^1]);
    }

    [Fact]
    public async Task A_search_that_outruns_its_statement_timeout_is_stopped_and_answered_timeout()
    {
        await using var seeker = await System.ConnectNewUserAsync("seeker");
        var room = Fresh.Room("search");
        await seeker.JoinAsync(room);
        await Sql.QueryAsync(System.Database.ConnectionString, """
            INSERT INTO messages (room, seq, sender, text, ts)
            SELECT $1, n, 'filler', 'a lemon, number ' || n, now() + n * interval '1 millisecond'
            FROM generate_series(1, 3000) AS n
            """, room);
        using var http = System.Http(seeker.Token);

        var response = await http.GetAsync($"/api/search?q=lemon&room={room}");

        await HttpSteps.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "timeout");
    }
}
