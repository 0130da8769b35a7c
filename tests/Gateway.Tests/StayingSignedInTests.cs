using System.Net;
using System.Net.Http.Json;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>
/// The refresh cookie and signed-in devices, tried as a browser would use them and as an attacker
/// would: rotation, reuse of a rotated cookie, a cross-site refresh, and signing one device out.
/// </summary>
public sealed class StayingSignedInTests(ChatSystemFixture fixture) : IClassFixture<ChatSystemFixture>
{
    private ChatSystem System => fixture.System;

    public sealed record DeviceView(Guid Id, DateTimeOffset Created, DateTimeOffset LastUsed, string UserAgent, bool Current);

    /// <summary>A browser's view of the gateway: one cookie jar, as a browser profile has.</summary>
    private sealed class Browser(ChatSystem system) : IDisposable
    {
        public CookieContainer Jar { get; } = new();

        private HttpClient? _http;

        public HttpClient Http => _http ??= new HttpClient(new HttpClientHandler { CookieContainer = Jar, UseCookies = true })
        {
            BaseAddress = system.BaseUri,
            DefaultRequestHeaders = { { "User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36" } },
        };

        public string? Cookie => Jar.GetCookies(new Uri(system.BaseUri, "/api/auth/refresh"))["chatapp_refresh"]?.Value;

        public async Task<(string Name, string Token)> RegisterAsync()
        {
            var name = Fresh.User("device");
            var response = await Http.PostAsJsonAsync("/api/auth/register", new { username = name.Value, password = Accounts.Password });
            response.EnsureSuccessStatusCode();
            return (name, (await response.ReadAsync<SignedIn>()).Token);
        }

        public Task<HttpResponseMessage> RefreshAsync(string? origin = null, bool withHeader = true)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/refresh");
            if (withHeader)
            {
                request.Headers.Add("X-ChatApp-Refresh", "1");
            }
            request.Headers.Add("Origin", origin ?? system.BaseUri.GetLeftPart(UriPartial.Authority));
            return Http.SendAsync(request);
        }

        /// <summary>A copy of the cookie, as a thief holding the jar's contents would have it.</summary>
        public Browser Copy()
        {
            var copy = new Browser(system);
            copy.Jar.Add(Jar.GetAllCookies());
            return copy;
        }

        public void Dispose() => _http?.Dispose();
    }

    [Fact]
    public async Task A_login_sets_an_http_only_strict_cookie_for_the_auth_endpoints_only()
    {
        using var http = System.Http();
        var (name, _) = await System.RegisterAsync("cookie");

        var response = await http.PostAsJsonAsync("/api/auth/login", new { username = name, password = Accounts.Password });

        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        var cookie = Assert.Single(cookies, c => c.StartsWith("chatapp_refresh=", StringComparison.Ordinal));
        Assert.Contains("path=/api/auth", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        // The page's hint holds no secret: just that a refresh cookie was set.
        var hint = Assert.Single(cookies, c => c.StartsWith("chatapp_session=", StringComparison.Ordinal));
        Assert.StartsWith("chatapp_session=1;", hint);
        Assert.DoesNotContain("httponly", hint, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_refresh_returns_a_working_token_and_rotates_the_cookie()
    {
        using var browser = new Browser(System);
        var (name, _) = await browser.RegisterAsync();
        var first = browser.Cookie;

        var response = await browser.RefreshAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var signedIn = await response.ReadAsync<SignedIn>();
        Assert.Equal(name, signedIn.User.Name);
        Assert.NotEqual(first, browser.Cookie);
        using var api = System.Http(signedIn.Token);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.RefreshAsync()).StatusCode);
    }

    [Fact]
    public async Task Reusing_a_rotated_refresh_token_ends_every_session_of_that_login()
    {
        using var browser = new Browser(System);
        var (name, _) = await browser.RegisterAsync();
        using var thief = browser.Copy();
        var legit = await (await browser.RefreshAsync()).ReadAsync<SignedIn>();
        await using var socket = await ChatTestClient.ConnectGreetedAsync(System.SocketUri, name, legit.Token);

        var reuse = await thief.RefreshAsync();

        await HttpSteps.AssertProblemAsync(reuse, HttpStatusCode.Unauthorized, "unauthorized");
        // The rightful holder's newer cookie is ended too: whichever of the two was the thief.
        await HttpSteps.AssertProblemAsync(await browser.RefreshAsync(), HttpStatusCode.Unauthorized, "unauthorized");
        using var api = System.Http(legit.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/me")).StatusCode);
        await socket.Closed.WaitAsync(ChatTestClient.DefaultWait);
        Assert.Equal(global::System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
    }

    [Fact]
    public async Task A_cross_site_refresh_is_refused_and_rotates_nothing()
    {
        using var browser = new Browser(System);
        await browser.RegisterAsync();
        var cookie = browser.Cookie;

        var foreignOrigin = await browser.RefreshAsync(origin: "https://evil.example");
        var noHeader = await browser.RefreshAsync(withHeader: false);

        await HttpSteps.AssertProblemAsync(foreignOrigin, HttpStatusCode.Forbidden, "forbidden");
        await HttpSteps.AssertProblemAsync(noHeader, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(cookie, browser.Cookie);
        Assert.Equal(HttpStatusCode.OK, (await browser.RefreshAsync()).StatusCode);
    }

    [Fact]
    public async Task Signing_one_device_out_ends_its_cookie_tokens_and_sockets_and_leaves_the_others()
    {
        using var laptop = new Browser(System);
        var (name, laptopToken) = await laptop.RegisterAsync();
        using var phone = new Browser(System);
        var phoneLogin = await phone.Http.PostAsJsonAsync("/api/auth/login", new { username = name, password = Accounts.Password });
        var phoneToken = (await phoneLogin.ReadAsync<SignedIn>()).Token;
        await using var phoneSocket = await ChatTestClient.ConnectGreetedAsync(System.SocketUri, name, phoneToken);
        using var laptopApi = System.Http(laptopToken);

        var devices = await laptopApi.GetFromJsonAsync<DeviceView[]>("/api/auth/sessions");
        Assert.Equal(2, devices!.Length);
        Assert.Equal("Chrome on Linux", devices[0].UserAgent);
        var phoneDevice = Assert.Single(devices, d => !d.Current);
        var signedOut = await laptopApi.DeleteAsync($"/api/auth/sessions/{phoneDevice.Id}");

        Assert.Equal(HttpStatusCode.NoContent, signedOut.StatusCode);
        await HttpSteps.AssertProblemAsync(await phone.RefreshAsync(), HttpStatusCode.Unauthorized, "unauthorized");
        using var phoneApi = System.Http(phoneToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await phoneApi.GetAsync("/api/me")).StatusCode);
        await phoneSocket.Closed.WaitAsync(ChatTestClient.DefaultWait);
        // The phone's token is still unexpired and of the current version: its session refuses it.
        await using var phoneAgain = await ChatTestClient.ConnectAsync(System.SocketUri, name, phoneToken);
        ChatSteps.AssertError(await phoneAgain.RequestAsync("hello", new { token = phoneToken }), "unauthorized");
        Assert.Equal(global::System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, await phoneAgain.ClosedWithAsync());
        Assert.Equal(HttpStatusCode.OK, (await laptopApi.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await laptop.RefreshAsync()).StatusCode);
        Assert.Single((await laptopApi.GetFromJsonAsync<DeviceView[]>("/api/auth/sessions"))!);
    }

    [Fact]
    public async Task Another_users_device_cannot_be_signed_out()
    {
        using var mine = new Browser(System);
        var (_, myToken) = await mine.RegisterAsync();
        using var theirs = new Browser(System);
        var (_, theirToken) = await theirs.RegisterAsync();
        using var theirApi = System.Http(theirToken);
        var theirDevice = Assert.Single((await theirApi.GetFromJsonAsync<DeviceView[]>("/api/auth/sessions"))!);
        using var myApi = System.Http(myToken);

        await HttpSteps.AssertProblemAsync(await myApi.DeleteAsync($"/api/auth/sessions/{theirDevice.Id}"), HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.OK, (await theirs.RefreshAsync()).StatusCode);
    }

    [Fact]
    public async Task Signing_out_everywhere_and_a_new_password_end_every_refresh_cookie()
    {
        using var browser = new Browser(System);
        var (name, token) = await browser.RegisterAsync();
        using var other = new Browser(System);
        await other.Http.PostAsJsonAsync("/api/auth/login", new { username = name, password = Accounts.Password });
        using var api = System.Http(token);

        var changed = await api.PostAsJsonAsync("/api/auth/password", new { currentPassword = Accounts.Password, newPassword = "a brand new password" });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        await HttpSteps.AssertProblemAsync(await other.RefreshAsync(), HttpStatusCode.Unauthorized, "unauthorized");
        // The device that changed it got a new cookie with its new token and stays signed in.
        var newCookie = changed.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("chatapp_refresh=", StringComparison.Ordinal)).Split(';')[0].Split('=', 2)[1];
        browser.Jar.Add(new Cookie("chatapp_refresh", newCookie, "/api/auth", System.BaseUri.Host));
        var stillIn = await browser.RefreshAsync();
        Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);

        using var fresh = System.Http((await stillIn.ReadAsync<SignedIn>()).Token);
        Assert.Equal(HttpStatusCode.NoContent, (await fresh.PostAsync("/api/auth/logout", null)).StatusCode);
        await HttpSteps.AssertProblemAsync(await browser.RefreshAsync(), HttpStatusCode.Unauthorized, "unauthorized");
    }
}
