using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>A system with the production defaults of the abuse limits (but one), not the roomy ones of the other tests.</summary>
public sealed class DefaultLimitsFixture() : ChatSystemFixture(new Dictionary<string, string>
{
    ["Limits:MessagesPerSecond"] = "5",
    ["Limits:MessageBurst"] = "20",
    ["Limits:FramesPerSecond"] = "50",
    ["Limits:FrameBurst"] = "200",
    ["Limits:AuthCallsPerAddressPerMinute"] = "1000",
    // Below the default of 100 per hour, so that reaching it takes seconds, not a hundred password hashes.
    ["Limits:LoginFailuresPerAddressPerHour"] = "10",
    ["Limits:ConnectionsPerUser"] = "3",
    ["Limits:ReactionsPerSecond"] = "5",
    ["Limits:ReactionBurst"] = "30",
});

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
    public async Task Profile_changes_are_told_to_every_room_of_the_user_so_a_flood_of_them_is_slowed_like_messages()
    {
        var (user, token) = await System.RegisterAsync("looper");
        using var http = System.Http(token);

        // All at once, so that the bucket (a burst of 20) cannot refill meanwhile on a slow machine.
        var answers = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => i % 2 == 0
            ? http.PatchAsJsonAsync("/api/me", new { displayName = $"name {i}" })
            : http.DeleteAsync("/api/me/avatar")));

        var limited = answers.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.All(answers, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        Assert.Contains(limited, r => r.RequestMessage!.Method == HttpMethod.Patch);
        Assert.Contains(limited, r => r.RequestMessage!.Method == HttpMethod.Delete);
        Assert.Equal("rate_limited", (await limited[0].ReadAsync<Problem>()).Code);
        // A refused change changed nothing: the name kept is one of those accepted.
        var accepted = answers.Select((r, i) => (r, i)).Where(a => a.i % 2 == 0 && a.r.IsSuccessStatusCode).Select(a => $"name {a.i}");
        Assert.Contains((await http.GetFromJsonAsync<JsonElement>($"/api/users/{user}")).GetProperty("displayName").GetString(), accepted);
    }

    [Fact]
    public async Task A_guesser_gets_429_with_retry_after_while_the_owner_logs_in_from_another_address()
    {
        var (name, _) = await System.RegisterAsync("victim");
        using var guesser = System.HttpFrom(IPAddress.Parse("127.0.0.11"));
        using var owner = System.HttpFrom(IPAddress.Parse("127.0.0.21"));
        var guesses = new List<HttpResponseMessage>();
        for (var i = 0; i < 7; i++)
        {
            guesses.Add(await guesser.PostAsJsonAsync("/api/auth/login", new { username = name, password = $"guess number {i}" }));
        }
        var rightFromTheGuessersAddress = await guesser.PostAsJsonAsync("/api/auth/login", new { username = name, password = Accounts.Password });
        var ownersLogin = await owner.PostAsJsonAsync("/api/auth/login", new { username = name, password = Accounts.Password });

        Assert.All(guesses[..5], g => Assert.Equal(HttpStatusCode.Unauthorized, g.StatusCode));
        Assert.All(guesses[5..], g => Assert.Equal(HttpStatusCode.TooManyRequests, g.StatusCode));
        Assert.True(guesses[^1].Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal("rate_limited", (await guesses[^1].ReadAsync<Problem>()).Code);
        Assert.Equal(HttpStatusCode.TooManyRequests, rightFromTheGuessersAddress.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ownersLogin.StatusCode);
    }

    [Fact]
    public async Task Each_further_failure_doubles_the_wait_and_the_owner_gets_in_from_the_same_address_after_it()
    {
        var (name, _) = await System.RegisterAsync("victim");
        using var http = System.HttpFrom(IPAddress.Parse("127.0.0.12"));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(http, name, $"guess number {i}")).StatusCode);
        }

        var first = (await LoginAsync(http, name, Accounts.Password)).Headers.RetryAfter!.Delta!.Value;
        // The lockout itself must run out, so these waits are the point: polling instead would be
        // logins, and a login during the lockout is what the test must not make.
        await Task.Delay(first + TimeSpan.FromMilliseconds(200));
        var sixthGuess = await LoginAsync(http, name, "guess number 6");
        var second = (await LoginAsync(http, name, Accounts.Password)).Headers.RetryAfter!.Delta!.Value;
        await Task.Delay(second + TimeSpan.FromMilliseconds(200));
        var owner = await LoginAsync(http, name, Accounts.Password);
        var afterSuccess = await LoginAsync(http, name, "a typo");

        Assert.Equal(HttpStatusCode.Unauthorized, sixthGuess.StatusCode);
        Assert.True(second >= 2 * first - TimeSpan.FromSeconds(1), $"waits {first} then {second}");
        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterSuccess.StatusCode);
    }

    [Fact]
    public async Task The_owner_changes_their_password_while_someone_guesses_it_at_the_login_from_the_same_address()
    {
        var (name, token) = await System.RegisterAsync("victim");
        using var guesser = System.HttpFrom(IPAddress.Parse("127.0.0.13"));
        for (var i = 0; i < 8; i++)
        {
            await LoginAsync(guesser, name, $"guess number {i}");
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginAsync(guesser, name, "one more guess")).StatusCode);
        // Even from the guesser's own address (say, behind the same NAT).
        using var owner = System.HttpFrom(IPAddress.Parse("127.0.0.13"));
        owner.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

        var change = await owner.PostAsJsonAsync("/api/auth/password", new { currentPassword = Accounts.Password, newPassword = "a brand new password" });
        using var elsewhere = System.HttpFrom(IPAddress.Parse("127.0.0.23"));
        var login = await LoginAsync(elsewhere, name, "a brand new password");

        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task Wrong_current_passwords_at_a_password_change_are_limited_for_that_user_alone()
    {
        var (_, token) = await System.RegisterAsync("changer");
        using var http = System.Http(token);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await http.PostAsJsonAsync("/api/auth/password", new { currentPassword = $"guess number {i}", newPassword = "a brand new password" })).StatusCode);
        }

        Assert.All(statuses[..5], s => Assert.Equal(HttpStatusCode.Forbidden, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    [Fact]
    public async Task One_address_guessing_across_many_names_is_bounded_too()
    {
        using var http = System.HttpFrom(IPAddress.Parse("127.0.0.14"));
        var limit = 10; // Limits:LoginFailuresPerAddressPerHour, as the fixture sets it
        for (var i = 0; i < limit; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(http, Fresh.User("nobody").Value, "a guess")).StatusCode);
        }

        var refused = await LoginAsync(http, Fresh.User("nobody").Value, "a guess");
        using var elsewhere = System.HttpFrom(IPAddress.Parse("127.0.0.24"));
        var (name, _) = await System.RegisterAsync("bystander");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(elsewhere, name, Accounts.Password)).StatusCode);
    }

    private static Task<HttpResponseMessage> LoginAsync(HttpClient http, string name, string password) =>
        http.PostAsJsonAsync("/api/auth/login", new { username = name, password });

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
        // Sockets only to the page's own origin: 'self' covers its ws: and wss:, and no other host.
        Assert.Contains("connect-src 'self';", policy);
        Assert.DoesNotContain("ws:", policy);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task A_reaction_flood_is_rate_limited_stores_nothing_refused_and_leaves_sending_alone()
    {
        await using var flooder = await System.ConnectNewUserAsync("reactor");
        var room = Fresh.Room();
        await flooder.JoinAsync(room);
        var message = await flooder.SendAsync(room, "react to this");

        // 120 different emoji, written back to back: each one let through is one new event.
        var refs = Enumerable.Range(0, 120).Select(i => $"react-{i}").ToList();
        for (var i = 0; i < refs.Count; i++)
        {
            await flooder.SendFrameAsync("react", refs[i], new { room, seq = message, emoji = char.ConvertFromUtf32(0x1F600 + i) });
        }
        var answers = new List<AnswerFrame>();
        foreach (var reference in refs)
        {
            answers.Add(await flooder.WaitForAnswerAsync(reference));
        }

        var refused = answers.OfType<ErrorFrame>().ToList();
        var stored = answers.Count - refused.Count;
        // The burst of 30, and what refills while the frames are read (5/s): far fewer than 120.
        Assert.InRange(stored, 30, 80);
        Assert.All(refused, r =>
        {
            Assert.Equal("rate_limited", r.Code);
            Assert.True(r.RetryAfterMs > 0);
        });
        // Every reaction that got through is one event; the refused ones left no trace in the log.
        Assert.Equal(message + stored + 1, await flooder.SendAsync(room, "sending still works"));
    }
}
