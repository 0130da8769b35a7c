using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using ChatApp.Tests.Support;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ChatApp.Tests.Browser;

/// <summary>
/// The chat page as one person sees it: a browser context of its own, driven through the
/// element ids of Gateway/wwwroot/index.html. Everything the page reports as wrong (console
/// errors, uncaught exceptions, CSP violations, alert dialogs) is collected, so a test can
/// assert the page stayed clean.
/// </summary>
public sealed class ChatPage : IAsyncDisposable
{
    // CSP violations also reach the console, but only as text; this makes each one a distinct
    // console error. An init script runs through the DevTools protocol, outside any CSP.
    private const string ReportCspViolations = """
        document.addEventListener('securitypolicyviolation', (e) =>
          console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`));
        """;

    private readonly IBrowserContext _context;
    private readonly ConcurrentQueue<string> _problems = new();
    private readonly NetworkTrail _calls;
    private string? _name;

    private ChatPage(string label, IBrowserContext context, IPage page)
    {
        Label = label;
        _context = context;
        Page = page;
        _calls = new NetworkTrail(page);
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !IsTolerated(message.Text))
            {
                _problems.Enqueue($"console error: {message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => _problems.Enqueue($"uncaught: {error}");
        page.Dialog += async (_, dialog) =>
        {
            _problems.Enqueue($"{dialog.Type} dialog: {dialog.Message}");
            await dialog.DismissAsync();
        };
    }

    public string Label { get; }

    /// <summary>The user signed in on this page (by <see cref="RegisterAsync"/> or <see cref="SignInAsync"/>).</summary>
    public string Name => _name ?? throw new InvalidOperationException($"{Label}'s page has not signed in.");

    public IPage Page { get; }
    public IBrowserContext Context => _context;

    /// <summary>Console errors the current step expects (e.g. failed reconnects while offline).</summary>
    public Func<string, bool>? Tolerate { get; set; }

    public ILocator ConnectionState => Page.Locator("#connection-state");
    public ILocator CurrentRoom => Page.Locator("#current-room");
    public ILocator MessageList => Page.Locator("#messages");
    /// <summary>The text of every message on screen, in order (system lines like "x joined" are not messages).</summary>
    public ILocator MessageTexts => Page.Locator("#messages li.message .text");
    /// <summary>The member list beside the room; one item per member, with data-user and data-role.</summary>
    public ILocator Members => Page.Locator("#members li.member");

    public ILocator Member(string user) => Page.Locator($"#members li.member[data-user=\"{user}\"]");

    public ILocator RoomInList(string room) => Page.Locator($"#rooms li[data-room=\"{room}\"]");

    /// <summary>The unread count beside a room in the list (none while it is read, or on screen).</summary>
    public ILocator UnreadBadge(string room) => RoomInList(room).Locator(".badge");

    /// <summary>The mark beside a room in the list that says someone mentioned this user there.</summary>
    public ILocator MentionMark(string room) => RoomInList(room).Locator(".mention-badge");

    /// <summary>Opens a room by clicking it in the room list.</summary>
    public async Task OpenFromListAsync(string room, string? title = null)
    {
        await RoomInList(room).Locator("button").ClickAsync();
        await Expect(CurrentRoom).ToHaveTextAsync(title ?? room);
    }

    /// <summary>
    /// Opens the page in a fresh context, as someone who has never been there (or, with
    /// <paramref name="signedInAs"/>, whose cookies <paramref name="prepare"/> brought along); from the gateway
    /// itself, or through <paramref name="via"/> (e.g. a <see cref="NetworkCable"/>).
    /// <paramref name="prepare"/> runs on the context before the page loads (permissions, init scripts).
    /// </summary>
    public static async Task<ChatPage> OpenAsync(
        BrowserFixture fixture, string label, Uri? via = null, ViewportSize? viewport = null, Func<IBrowserContext, Task>? prepare = null,
        string? signedInAs = null)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = (via ?? fixture.System.BaseUri).ToString(),
            ViewportSize = viewport ?? new ViewportSize { Width = 1000, Height = 700 },
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(15_000);
        await context.AddInitScriptAsync(ReportCspViolations);
        if (prepare is not null)
        {
            await prepare(context);
        }
        var page = new ChatPage(label, context, await context.NewPageAsync());
        var response = await page.Page.GotoAsync("/");
        Assert.True(response is { Ok: true }, $"GET / answered {response?.Status}");
        if (signedInAs is null)
        {
            await Expect(page.Page.Locator("#auth-form")).ToBeVisibleAsync();
            return page;
        }
        // Cookies of a signed-in browser came with the context: the page signs in by itself.
        await Expect(page.Page.Locator("#me")).ToHaveTextAsync(signedInAs);
        await Expect(page.ConnectionState).ToHaveTextAsync("connected");
        page._name = signedInAs;
        return page;
    }

    /// <summary>Opens the page as <see cref="OpenAsync"/> does and registers a fresh user on it, named for <paramref name="label"/>.</summary>
    public static async Task<ChatPage> OpenAsNewUserAsync(
        BrowserFixture fixture, string label, Uri? via = null, Func<IBrowserContext, Task>? prepare = null)
    {
        var page = await OpenAsync(fixture, label, via, prepare: prepare);
        await page.RegisterAsync(Fresh.User(label));
        return page;
    }

    /// <summary>
    /// Waits until the server, asked over HTTP with this page's token, counts <paramref name="field"/>
    /// (unread, mentions) of <paramref name="room"/> as <paramref name="expected"/>: what a reload will show.
    /// </summary>
    public async Task WaitUntilServerCountsAsync(ChatSystem system, string room, string field, long expected)
    {
        var token = await TokenAsync();
        using var http = system.Http(token);
        await Eventually.Until(
            async () => (await http.GetFromJsonAsync<JsonElement[]>("/api/rooms"))!
                .Single(r => r.GetProperty("id").GetString() == room).GetProperty(field).GetInt64(),
            count => count == expected, $"{room}'s {field} at {expected} on the server");
    }

    /// <summary>
    /// A fresh access token of the page's user, as the page itself gets one: from the refresh cookie,
    /// which no script can read (the page keeps its own token in memory only).
    /// </summary>
    public Task<string> TokenAsync() => Page.EvaluateAsync<string>("""
        async () => (await (await fetch('/api/auth/refresh', { method: 'POST', headers: { 'X-ChatApp-Refresh': '1' } })).json()).token
        """);

    /// <summary>Creates an account on the sign-in form and waits for the live connection.</summary>
    public async Task RegisterAsync(string username)
    {
        await Page.Locator("#username").FillAsync(username);
        await Page.Locator("#password").FillAsync(Accounts.Password);
        IResponse answer;
        try
        {
            // Disabled until the page's script has wired the form. CI once found it never was: every
            // module request had failed with ERR_NETWORK_CHANGED (test.sh says why), as the trail showed.
            var register = Page.Locator("#register");
            await Expect(register).ToBeEnabledAsync();
            // The answer is checked first, so a failure tells a refused or slow server from a page at fault.
            answer = await Page.RunAndWaitForResponseAsync(
                () => register.ClickAsync(), response => response.Url.EndsWith("/api/auth/register", StringComparison.Ordinal));
        }
        catch (Exception stuck) when (stuck is TimeoutException or PlaywrightException)
        {
            throw new TimeoutException($"{Label}: no answer to register; page at {Page.Url}, form says "
                + $"\"{await Page.Locator("#auth-error").TextContentAsync()}\"; requests: {_calls}; {Problems()}", stuck);
        }
        Assert.True(answer.Ok, $"{Label}: register answered {answer.Status}: {await answer.TextAsync()}; {Problems()}");
        await Expect(Page.Locator("#me")).ToHaveTextAsync(username);
        await Expect(Page.Locator("#auth-view")).ToBeHiddenAsync();
        await Expect(ConnectionState).ToHaveTextAsync("connected");
        _name = username;
    }

    /// <summary>Signs in to an existing account (made through the API, say) and waits for the live connection.</summary>
    public async Task SignInAsync(string username)
    {
        await Page.Locator("#username").FillAsync(username);
        await Page.Locator("#password").FillAsync(Accounts.Password);
        await Page.Locator("#signin").ClickAsync();
        await Expect(Page.Locator("#me")).ToHaveTextAsync(username);
        await Expect(ConnectionState).ToHaveTextAsync("connected");
        _name = username;
    }

    /// <summary>Joins (or creates) a room through the sidebar form and waits until it is open for writing.</summary>
    public async Task JoinAsync(string room)
    {
        await Page.Locator("#room-input").FillAsync(room);
        await Page.Locator("#join").ClickAsync();
        await Expect(CurrentRoom).ToHaveTextAsync(room);
        await Expect(Page.Locator("#composer")).ToBeEnabledAsync();
        await Expect(Page.Locator("#room-error")).ToBeHiddenAsync();
    }

    /// <summary>Creates a private room through the sidebar form (its "private" box turns Join into Create) and opens it.</summary>
    public async Task CreatePrivateRoomAsync(string room)
    {
        await Page.Locator("#room-input").FillAsync(room);
        await Page.Locator("#room-private").CheckAsync();
        await Expect(Page.Locator("#join")).ToHaveTextAsync("Create");
        await Page.Locator("#join").ClickAsync();
        await Expect(Page.Locator("#room-error")).ToBeHiddenAsync();
        await Expect(CurrentRoom).ToHaveTextAsync(room);
        await Expect(Page.Locator("#composer")).ToBeEnabledAsync();
    }

    /// <summary>Scrolls the message list to its very top, where older history starts to load.</summary>
    public Task ScrollMessagesToTopAsync() => MessageList.EvaluateAsync("list => { list.scrollTop = 0; }");

    /// <summary>Types a message and presses Send; the message is then pending until the server confirms it.</summary>
    public async Task SendAsync(string text)
    {
        await Page.Locator("#composer").FillAsync(text);
        await Page.Locator("#send").ClickAsync();
        await Expect(Page.Locator("#composer")).ToHaveValueAsync("");
    }

    /// <summary>Sends a message and waits until the server has stored it (it has a seq, it is no longer pending).</summary>
    public async Task<long> SendConfirmedAsync(string text)
    {
        await SendAsync(text);
        var stored = StoredMessage(text);
        await Expect(stored).ToHaveCountAsync(1);
        var seq = await stored.GetAttributeAsync("data-seq");
        return long.Parse(seq!, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The stored (not pending) message whose text is exactly <paramref name="text"/>.</summary>
    public ILocator StoredMessage(string text) =>
        Page.Locator("#messages li.message[data-seq]:not(.pending)")
            .Filter(new LocatorFilterOptions { Has = Page.Locator(".text").GetByText(text, new LocatorGetByTextOptions { Exact = true }) });

    public ILocator MessageAt(long seq) =>
        Page.Locator($"#messages li.message[data-seq=\"{seq.ToString(System.Globalization.CultureInfo.InvariantCulture)}\"]");

    /// <summary>Deletes one of the messages on screen as a user does: its Delete button, then Delete in the dialog that asks.</summary>
    public async Task DeleteAsync(long seq)
    {
        await MessageAt(seq).Locator("button.delete").ClickAsync();
        await Page.Locator("#confirm-dialog #confirm-ok").ClickAsync();
        await Expect(Page.Locator("#confirm-dialog")).ToBeHiddenAsync();
    }

    /// <summary>Fails with every console error, uncaught exception, CSP violation and dialog seen so far.</summary>
    public void AssertNoProblems()
    {
        Assert.True(_problems.IsEmpty, $"{Label}'s page reported problems:\n{Problems()}");
    }

    private string Problems() => _problems.IsEmpty ? "no problems reported" : string.Join('\n', _problems);

    private bool IsTolerated(string text) => Tolerate?.Invoke(text) ?? false;

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}
