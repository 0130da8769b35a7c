using ChatApp.Tests.Support;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ChatApp.Tests.Browser;

/// <summary>
/// Pictures of the page for the docs. They run only with CHATAPP_SCREENSHOTS=1, so that ordinary
/// test runs leave the work tree as it was: `CHATAPP_SCREENSHOTS=1 dotnet test tests/Browser.Tests`.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ScreenshotTests(BrowserFixture fixture)
{
    [ScreenshotFact]
    public async Task A_short_conversation()
    {
        var viewport = new ViewportSize { Width = 1000, Height = 640 };
        await using var alice = await ChatPage.OpenAsync(fixture, "alice", viewport: viewport);
        await using var bob = await ChatPage.OpenAsync(fixture, "bob", viewport: viewport);
        // Plain names read better in a picture; no other test uses them.
        await alice.RegisterAsync("alice");
        await bob.RegisterAsync("bob");
        await alice.JoinAsync("lobby");
        await bob.JoinAsync("lobby");
        await alice.JoinAsync("release-planning");
        await alice.Page.Locator("#rooms li[data-room=lobby] button").ClickAsync();
        await Expect(alice.CurrentRoom).ToHaveTextAsync("lobby");

        (ChatPage Author, string Text)[] conversation =
        [
            (alice, "Morning! Is the release still on for Friday?"),
            (bob, "Yes. The gateway tests have been green since last night."),
            (bob, "I'm adding the browser tests today: two pages, one room, real sockets."),
            (alice, "Great, I'll write the release notes after lunch."),
        ];
        foreach (var (author, text) in conversation)
        {
            await author.SendConfirmedAsync(text);
            await Expect(alice.StoredMessage(text)).ToHaveCountAsync(1);
        }
        await Expect(alice.MessageTexts).ToHaveTextAsync(conversation.Select(m => m.Text));
        await Expect(alice.Page.Locator("#typing")).ToHaveTextAsync("");

        var file = Path.Combine(ChatSystem.RepositoryRoot, "docs", "screenshots", "chat.png");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await alice.Page.ScreenshotAsync(new PageScreenshotOptions { Path = file });
        alice.AssertNoProblems();
        bob.AssertNoProblems();
    }
}

/// <summary>A fact that is skipped unless CHATAPP_SCREENSHOTS=1.</summary>
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
