using System.Net.Http.Json;
using ChatApp.Tests.Support;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ChatApp.Tests.Operations;

/// <summary>
/// The admin page and the Orleans Dashboard as a person sees them, in Debian's headless Chromium:
/// the page works under the CSP (a violation would show as a console error), shows the overview to
/// an admin and a refusal to anyone else. With CHATAPP_SCREENSHOTS=1 it also pictures both for the docs.
/// </summary>
public sealed class AdminPageInBrowserTests : IAsyncLifetime
{
    private const string AdminPassword = "admin password 1";

    private ChatSystem _system = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(15_000);
        _system = await ChatSystem.StartAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.Path,
            Headless = true,
            Args = Chromium.Args,
        });
    }

    public async Task DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
        await _system.DisposeAsync();
    }

    [Fact]
    public async Task An_admin_signs_in_and_sees_the_rooms_and_this_gateways_users_stays_signed_in_in_a_new_tab_and_axe_finds_nothing_serious()
    {
        await _system.SignInAdminAsync("admin", AdminPassword);
        await using var alice = await _system.ConnectNewUserAsync("alice");
        var room = Fresh.Room("page");
        await alice.JoinAsync(room);
        await alice.SendAsync(room, "<b>not bold</b>");
        var (page, errors) = await OpenAsync("/admin/");
        await Expect(page.Locator("#signin")).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the admin sign-in form");

        await SignInAsync(page, "admin", AdminPassword);

        var row = page.Locator("#rooms tr", new() { HasText = room });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.Locator("td").Nth(4)).ToHaveTextAsync("1");
        await Expect(page.Locator("#users tr", new() { HasText = alice.User })).ToHaveCountAsync(1);
        await Expect(page.Locator("#gateway-scope")).ToHaveTextAsync("this gateway");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the admin overview");

        // A new tab of the same browser is signed in by the refresh cookie; no script storage holds a token.
        var tab = await page.Context.NewPageAsync();
        tab.PageError += (_, error) => errors.Add(error);
        await tab.GotoAsync(new Uri(_system.BaseUri, "/admin/").ToString());
        await Expect(tab.Locator("#rooms tr", new() { HasText = room })).ToHaveCountAsync(1);
        await Expect(tab.Locator("#signin")).ToBeHiddenAsync();
        var stored = await tab.EvaluateAsync<string>("() => JSON.stringify({ ...sessionStorage, ...localStorage })");
        Assert.DoesNotContain("eyJ", stored, StringComparison.Ordinal); // a JWT's header, base64url
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Anyone_else_is_told_they_are_not_an_administrator()
    {
        var (name, _) = await _system.RegisterAsync("mallory");
        var (page, errors) = await OpenAsync("/admin/");

        await SignInAsync(page, name, Accounts.Password);

        await Expect(page.Locator("#message")).ToContainTextAsync("not an administrator");
        await Expect(page.Locator("#overview")).ToBeHiddenAsync();
        Assert.Empty(errors);
    }

    [ScreenshotFact]
    public async Task Pictures_of_the_dashboard_and_the_admin_page()
    {
        // Plain names read better in a picture; this system's database is its own.
        await _system.SignInAdminAsync("admin", AdminPassword);
        await using var alice = await ConnectAsync("alice");
        await using var bob = await ConnectAsync("bob");
        using (var http = _system.Http(alice.Token))
        {
            (await http.PostAsJsonAsync("/api/rooms", new { id = "lobby", topic = "Everyone, every day", visibility = "public" })).EnsureSuccessStatusCode();
        }
        await bob.JoinAsync("lobby");
        await alice.JoinAsync("release-planning");
        await alice.SendAsync("lobby", "Morning! Is the release still on for Friday?");
        await bob.SendAsync("lobby", "Yes, the dashboard shows every room's state now.");
        await alice.SendAsync("release-planning", "Draft notes are in the wiki.");

        var dashboard = _system.SiloAdminUris[0]!;
        var (page, _) = await OpenAsync(new Uri(dashboard, "#/grainDetails").ToString(), width: 1400, height: 900);
        await page.Locator("select").SelectOptionAsync("ChatApp.Rooms.RoomGrain");
        await page.Locator("input[placeholder='Grain Id']").FillAsync("lobby");
        await page.Locator("input[value='Show Details']").ClickAsync();
        await Expect(page.Locator("pre")).ToContainTextAsync("\"LastSeq\"");
        await page.ScreenshotAsync(new() { Path = Path.Combine(ChatSystem.RepositoryRoot, "docs", "screenshots", "dashboard.png") });

        var (admin, _) = await OpenAsync("/admin/", width: 1100, height: 560);
        await SignInAsync(admin, "admin", AdminPassword);
        await Expect(admin.Locator("#rooms tr", new() { HasText = "lobby" })).ToHaveCountAsync(1);
        await admin.ScreenshotAsync(new() { Path = Path.Combine(ChatSystem.RepositoryRoot, "docs", "screenshots", "admin.png") });
    }

    private async Task<ChatTestClient> ConnectAsync(string name)
    {
        var token = await _system.SignInAsync(name, Accounts.Password);
        var client = await ChatTestClient.ConnectAsync(_system.SocketUri, name, token);
        await client.HelloAsync();
        return client;
    }

    /// <summary>A fresh page (its own storage) at a path of the gateway or a full URL, and the script and CSP errors it reports.</summary>
    private async Task<(IPage Page, List<string> Errors)> OpenAsync(string pathOrUrl, int width = 1100, int height = 700)
    {
        var context = await _browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            // A refused request (the 403 a non-admin gets) is reported too, and is not a fault of the page.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync(pathOrUrl.StartsWith("http", StringComparison.Ordinal) ? pathOrUrl : new Uri(_system.BaseUri, pathOrUrl).ToString());
        return (page, errors);
    }

    private static async Task SignInAsync(IPage page, string name, string password)
    {
        await page.Locator("#username").FillAsync(name);
        await page.Locator("#password").FillAsync(password);
        await page.Locator("#signin button[type=submit]").ClickAsync();
    }
}

/// <summary>Runs only with CHATAPP_SCREENSHOTS=1, so that ordinary runs leave docs/ as it was.</summary>
public sealed class ScreenshotFactAttribute : FactAttribute
{
    public ScreenshotFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("CHATAPP_SCREENSHOTS") != "1")
        {
            Skip = "Set CHATAPP_SCREENSHOTS=1 to write docs/screenshots/.";
        }
    }
}
