using System.Net.Http.Json;
using ChatApp.Tests.Support;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ChatApp.Tests.Browser;

/// <summary>
/// Messages as rich text (js/richtext.js): the Markdown subset formats what the other person sees,
/// a web link opens in a new tab that cannot reach back, and nothing in the text can run: not HTML,
/// not a <c>javascript:</c> or <c>data:</c> link. The server keeps the text exactly as typed.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RichTextTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Markdown_is_formatted_for_the_other_person_links_open_safely_and_scripts_and_script_links_stay_inert()
    {
        await using var alice = await ChatPage.OpenAsNewUserAsync(fixture, "alice");
        await using var bob = await ChatPage.OpenAsNewUserAsync(fixture, "bob");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);
        var text = string.Join('\n',
            $"**bold** _italic_ ~~gone~~ `a < b` for @{bob.Name}, see https://example.com/docs",
            "[click me](javascript:alert(1)) [or me](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) <script>alert(2)</script>",
            "```",
            "if (x) {",
            "    *not bold*",
            "}",
            "```",
            "> quoted",
            "- one",
            "- two");

        await alice.SendAsync(text);

        // Bob's page, live and after a reload, formats it the same way.
        var message = bob.Page.Locator("#messages li.message[data-seq]").Filter(new() { Has = bob.Page.Locator(".text strong") });
        for (var pass = 0; pass < 2; pass++)
        {
            var body = message.Locator(".text");
            await Expect(body.Locator("strong")).ToHaveTextAsync("bold");
            await Expect(body.Locator("em")).ToHaveTextAsync("italic");
            await Expect(body.Locator("del")).ToHaveTextAsync("gone");
            await Expect(body.Locator("p > code")).ToHaveTextAsync("a < b");
            await Expect(body.Locator("pre > code")).ToHaveTextAsync("if (x) {\n    *not bold*\n}\n");
            await Expect(body.Locator("blockquote")).ToHaveTextAsync("quoted");
            await Expect(body.Locator("ul > li")).ToHaveTextAsync(["one", "two"]);
            // The mention still marks the message for Bob, and names him in the text.
            await Expect(message).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bmention\b"));
            await Expect(body.Locator(".mention-name")).ToHaveTextAsync($"@{bob.Name}");
            // Script and script links: shown as the words, never as elements or live links.
            await Expect(body).ToContainTextAsync("<script>alert(2)</script>");
            await Expect(bob.MessageList.Locator("script, img, iframe")).ToHaveCountAsync(0);
            await Expect(body.Locator("a[href]")).ToHaveCountAsync(1);
            Assert.Equal(0, await bob.Page.Locator("a[href^='javascript:' i], a[href^='data:' i]").CountAsync());
            await body.GetByText("click me").ClickAsync();
            await body.GetByText("or me").ClickAsync();
            if (pass == 0)
            {
                await bob.Page.ReloadAsync();
                await Expect(bob.ConnectionState).ToHaveTextAsync("connected");
            }
        }

        // The web link is a link: it opens in a new tab, with no way back to the chat and no Referer.
        var link = message.Locator(".text a");
        await Expect(link).ToHaveAttributeAsync("href", "https://example.com/docs");
        await Expect(link).ToHaveAttributeAsync("target", "_blank");
        await Expect(link).ToHaveAttributeAsync("rel", "noopener noreferrer");
        string? referer = "unset";
        await bob.Context.RouteAsync("https://example.com/**", async route =>
        {
            referer = route.Request.Headers.TryGetValue("referer", out var value) ? value : null;
            await route.FulfillAsync(new() { ContentType = "text/html", Body = "<p>the docs</p>" });
        });
        var opened = await bob.Context.RunAndWaitForPageAsync(() => link.ClickAsync());
        // Where the tab went is known once its navigation commits; its load event is not needed, and
        // once, on a CI run with the failover tests beside it, it was not reported within 15 s.
        await opened.WaitForURLAsync("https://example.com/docs", new() { WaitUntil = WaitUntilState.Commit });
        Assert.True(await opened.EvaluateAsync<bool>("() => window.opener === null"));
        Assert.Null(referer);

        // The server stored the text exactly as typed: formatting is only how the page shows it.
        using var http = fixture.System.Http(await alice.TokenAsync());
        var history = await http.GetFromJsonAsync<HistoryPage>($"/api/rooms/{room}/messages?after=0&limit=50");
        Assert.Equal(text, Assert.Single(history!.Messages, m => m.Sender == alice.Name).Text);
        // Clicking the inert links opened no dialog, and nothing ran.
        alice.AssertNoProblems();
        bob.AssertNoProblems();
    }
}
