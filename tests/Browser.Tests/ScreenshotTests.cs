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
        var viewport = new ViewportSize { Width = 1100, Height = 660 };
        await using var alice = await ChatPage.OpenAsync(fixture, "alice", viewport: viewport);
        await using var bob = await ChatPage.OpenAsync(fixture, "bob", viewport: viewport);
        await using var carol = await ChatPage.OpenAsync(fixture, "carol", viewport: viewport);
        // Plain names read better in a picture; no other test uses them.
        await alice.RegisterAsync("alice");
        await bob.RegisterAsync("bob");
        await carol.RegisterAsync("carol");
        await alice.CreatePrivateRoomAsync("design-review");
        await alice.JoinAsync("release-planning");
        await alice.JoinAsync("lobby");
        await bob.JoinAsync("lobby");
        await carol.JoinAsync("lobby");
        await Expect(alice.Members).ToHaveCountAsync(3);
        await alice.Member("bob").Locator("button.role-change").ClickAsync();
        await Expect(alice.Member("bob")).ToHaveAttributeAsync("data-role", "moderator");

        (ChatPage Author, string Text)[] conversation =
        [
            (alice, "Morning! Is the release still on for Friday?"),
            (bob, "Yes. The gateway tests have been green since last nigth."),
            (carol, "The search box works now: it found my notes from March in one go."),
            (bob, "I'm adding the browser tests today: two pages, one room, real sockets."),
            (alice, "Great, I'll write the release notes after lunch."),
        ];
        foreach (var (author, text) in conversation)
        {
            await author.SendConfirmedAsync(text);
            await Expect(alice.StoredMessage(text)).ToHaveCountAsync(1);
        }
        // A typo fixed in place shows as edited.
        var typo = await bob.StoredMessage(conversation[1].Text).GetAttributeAsync("data-seq");
        var editor = bob.Page.Locator($"#messages li[data-seq=\"{typo}\"] .edit-input");
        await bob.Page.Locator($"#messages li[data-seq=\"{typo}\"] button.edit").ClickAsync();
        await editor.FillAsync("Yes. The gateway tests have been green since last night.");
        await editor.PressAsync("Enter");
        await Expect(alice.Page.Locator($"#messages li[data-seq=\"{typo}\"] .edited")).ToHaveCountAsync(1);

        await Expect(alice.Page.Locator("#members li.online")).ToHaveCountAsync(3);
        await Expect(alice.Page.Locator("#typing")).ToHaveTextAsync("");
        await alice.Page.EvaluateAsync("() => document.activeElement?.blur()");

        var file = Path.Combine(ChatSystem.RepositoryRoot, "docs", "screenshots", "chat.png");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await alice.Page.ScreenshotAsync(new PageScreenshotOptions { Path = file });
        alice.AssertNoProblems();
        bob.AssertNoProblems();
        carol.AssertNoProblems();
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
