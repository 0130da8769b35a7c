using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>A system with the production defaults of the abuse limits, not the roomy ones of the other tests.</summary>
public sealed class DefaultLimitsFixture : IAsyncLifetime
{
    public ChatSystem System { get; private set; } = null!;

    public async Task InitializeAsync() => System = await ChatSystem.StartAsync(gatewaySettings: new Dictionary<string, string>
    {
        ["Limits:MessagesPerSecond"] = "5",
        ["Limits:MessageBurst"] = "20",
        ["Limits:FramesPerSecond"] = "50",
        ["Limits:FrameBurst"] = "200",
        ["Limits:AuthCallsPerAddressPerMinute"] = "1000",
        ["Limits:LoginFailuresPerUser"] = "5",
        ["Limits:ConnectionsPerUser"] = "3",
    });

    public async Task DisposeAsync() => await System.DisposeAsync();
}

/// <summary>Floods and brute force: refused with rate_limited and a wait, nothing stored, nobody else slowed.</summary>
public sealed class LimitTests(DefaultLimitsFixture fixture) : IClassFixture<DefaultLimitsFixture>
{
    private ChatSystem System => fixture.System;

    [Fact]
    public async Task A_message_flood_is_rate_limited_stores_nothing_refused_and_others_chat_on()
    {
        await using var flooder = await System.ConnectNewUserAsync("flood");
        await using var calm = await System.ConnectNewUserAsync("calm");
        var room = Fresh.Room();
        await flooder.JoinAsync(room);
        await calm.JoinAsync(room);

        var answers = new List<AnswerFrame>();
        for (var i = 0; i < 60; i++)
        {
            answers.Add(await flooder.RequestAsync("send", new { room, clientMsgId = $"f{i}", text = $"flood {i}" }));
        }
        var watch = Stopwatch.StartNew();
        var calmSeq = await calm.SendAsync(room, "still fine");
        await calm.WaitForEventAsync(room, calmSeq);
        watch.Stop();

        var refused = answers.OfType<ErrorFrame>().ToList();
        var stored = answers.Count - refused.Count;
        Assert.InRange(stored, 20, 40);
        Assert.All(refused, r =>
        {
            Assert.Equal("rate_limited", r.Code);
            Assert.True(r.RetryAfterMs > 0);
        });
        var history = await calm.HistoryAsync(room, limit: 200);
        Assert.Equal(stored + 1, history.Messages.Count);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"the calm user's message took {watch.Elapsed}");
    }

    [Fact]
    public async Task Http_sends_share_the_users_budget_and_answer_429_with_retry_after()
    {
        await using var user = await System.ConnectNewUserAsync("http");
        var room = Fresh.Room();
        await user.JoinAsync(room);
        using var http = System.Http(user.Token);

        var statuses = new List<HttpResponseMessage>();
        for (var i = 0; i < 40; i++)
        {
            statuses.Add(await http.PostAsJsonAsync($"/api/rooms/{room}/messages", new { clientMsgId = $"h{i}", text = "hi" }));
        }

        var limited = statuses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        var problem = await limited.ReadAsync<Problem>();
        Assert.Equal("rate_limited", problem.Code);
        Assert.True(problem.RetryAfterMs > 0);
        Assert.True(limited.Headers.RetryAfter is not null);
    }

    [Fact]
    public async Task Repeated_failed_logins_for_a_name_are_throttled_even_with_the_right_password_after()
    {
        var (name, _) = await System.RegisterAsync("victim");
        using var http = System.Http();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
        {
            statuses.Add((await http.PostAsJsonAsync("/api/auth/login", new { username = name, password = $"guess number {i}" })).StatusCode);
        }
        var right = await http.PostAsJsonAsync("/api/auth/login", new { username = name, password = Accounts.Password });

        Assert.Equal(HttpStatusCode.Unauthorized, statuses[0]);
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.Equal("rate_limited", (await right.ReadAsync<Problem>()).Code);
    }

    [Fact]
    public async Task A_socket_sending_thousands_of_frames_is_limited_and_stays_usable()
    {
        await using var noisy = await System.ConnectNewUserAsync("noisy");
        // Fewer than the send queue holds, so the answers cannot overflow it however slowly the
        // server gets to send them (a socket whose queue overflows is cut off with 1013).
        for (var i = 0; i < 900; i++)
        {
            await noisy.SendFrameAsync("ping", $"p{i}");
        }
        await noisy.WaitForAnswerAsync("p899");

        var limited = noisy.Frames.Count(f => f is ErrorFrame { Code: "rate_limited" });
        Assert.True(limited > 500, $"only {limited} of 900 frames were limited");
        // The bucket refills with time: pings are answered again.
        await Eventually.Until(async () => await noisy.RequestAsync("ping") is ReplyFrame, "answering pings again", ChatTestClient.DefaultWait);
    }

    [Fact]
    public async Task A_user_may_hold_only_so_many_sockets()
    {
        var (name, token) = await System.RegisterAsync("many");
        var open = new List<ChatTestClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var client = await ChatTestClient.ConnectAsync(System.SocketUri, name, token);
                open.Add(client);
                await client.HelloAsync();
            }
            await using var extra = await ChatTestClient.ConnectAsync(System.SocketUri, name, token);
            var answer = await extra.RequestAsync("hello", new { token });
            await extra.Closed.WaitAsync(ChatTestClient.DefaultWait);

            Assert.Equal("rate_limited", Assert.IsType<ErrorFrame>(answer).Code);
            Assert.Equal((global::System.Net.WebSockets.WebSocketCloseStatus)1013, extra.CloseStatus);
        }
        finally
        {
            foreach (var client in open)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task The_page_is_served_with_a_policy_that_forbids_inline_script()
    {
        using var http = System.Http();
        var page = await http.GetAsync("/");

        var policy = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy);
        Assert.DoesNotContain("unsafe-inline", policy);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
    }
}
