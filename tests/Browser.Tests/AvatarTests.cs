using System.Text.RegularExpressions;
using ChatApp.Tests.Support;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ChatApp.Tests.Browser;

/// <summary>
/// Avatars (js/avatars.js): chosen in one's own profile form, shown on everyone's page beside one's
/// messages and in the member list; a user without one is shown by their initial. A change shows
/// at once on the pages of those who share a room with its owner (a `profile` frame).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class AvatarTests(BrowserFixture fixture)
{
    [Fact]
    public async Task An_avatar_set_on_one_page_shows_beside_that_persons_message_on_the_others_page_after_a_reload()
    {
        await using var alice = await ChatPage.OpenAsNewUserAsync(fixture, "alice");
        await using var bob = await ChatPage.OpenAsNewUserAsync(fixture, "bob");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);
        var hello = await alice.SendConfirmedAsync("hello");
        var hi = await bob.SendConfirmedAsync("hi");
        // Before she chooses one, Bob sees her initial.
        await Expect(bob.MessageAt(hello).Locator(".avatar")).ToHaveAttributeAsync("data-initial", alice.Name[..1].ToUpperInvariant());

        await alice.Page.Locator("#toggle-profile").ClickAsync();
        await alice.Page.Locator("#avatar-input").SetInputFilesAsync(
            new FilePayload { Name = "me.png", MimeType = "image/png", Buffer = TestImages.Png(400, 300) });

        // At once on her own page: in the form and beside her message.
        await Expect(alice.Page.Locator(".avatar-preview img")).ToHaveAttributeAsync("src", BlobUrl());
        await Expect(alice.MessageAt(hello).Locator(".avatar img")).ToHaveAttributeAsync("src", BlobUrl());
        // On Bob's at his next load: the 128 px square the server made, by her message and in the member list.
        await bob.Page.ReloadAsync();
        await Expect(bob.ConnectionState).ToHaveTextAsync("connected");
        var picture = bob.MessageAt(hello).Locator(".avatar img");
        await Expect(picture).ToHaveAttributeAsync("src", BlobUrl());
        Assert.Equal(128, await NaturalWidthAsync(picture));
        await Expect(bob.Member(alice.Name).Locator(".avatar img")).ToHaveAttributeAsync("src", BlobUrl());
        // Bob chose none: his initial, and no picture.
        await Expect(bob.MessageAt(hi).Locator(".avatar img")).ToHaveCountAsync(0);
        await Expect(bob.MessageAt(hi).Locator(".avatar")).ToHaveAttributeAsync("data-initial", bob.Name[..1].ToUpperInvariant());

        // Something that is no picture is refused with the server's words, and hers stays.
        alice.Tolerate = problem => problem.Contains("415");
        await alice.Page.Locator("#avatar-input").SetInputFilesAsync(
            new FilePayload { Name = "me.png", MimeType = "image/png", Buffer = "<svg onload=alert(1)>"u8.ToArray() });
        await Expect(alice.Page.Locator(".avatar-setting .error")).ToContainTextAsync("must be a PNG, JPEG, GIF or WebP image");
        await Expect(alice.MessageAt(hello).Locator(".avatar img")).ToHaveAttributeAsync("src", BlobUrl());
        alice.AssertNoProblems();
        bob.AssertNoProblems();
    }

    [Fact]
    public async Task A_changed_or_removed_avatar_shows_at_once_on_the_page_of_someone_in_the_same_room()
    {
        await using var alice = await ChatPage.OpenAsNewUserAsync(fixture, "alice");
        await using var bob = await ChatPage.OpenAsNewUserAsync(fixture, "bob");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);
        var hello = await alice.SendConfirmedAsync("hello");
        var herAvatar = bob.MessageAt(hello).Locator(".avatar");
        await Expect(herAvatar).ToHaveAttributeAsync("data-initial", alice.Name[..1].ToUpperInvariant());
        // Gone if Bob's page were loaded again: what follows reaches the page it is.
        await bob.Page.EvaluateAsync("() => { window.sameDocument = true; }");

        await alice.Page.Locator("#toggle-profile").ClickAsync();
        await alice.Page.Locator("#avatar-input").SetInputFilesAsync(
            new FilePayload { Name = "me.png", MimeType = "image/png", Buffer = TestImages.Png(400, 300) });
        await Expect(herAvatar.Locator("img")).ToHaveAttributeAsync("src", BlobUrl());
        Assert.Equal(128, await NaturalWidthAsync(herAvatar.Locator("img")));
        await Expect(bob.Member(alice.Name).Locator(".avatar img")).ToHaveAttributeAsync("src", BlobUrl());

        // A second picture replaces the first (a small one is kept at its own size, so it can be told apart).
        await alice.Page.Locator("#avatar-input").SetInputFilesAsync(
            new FilePayload { Name = "me2.png", MimeType = "image/png", Buffer = TestImages.Png(40, 40) });
        await Eventually.Until(() => NaturalWidthAsync(herAvatar.Locator("img")), width => width == 40, "her second picture on Bob's page");

        // Removed: her initial again, by her message and in the member list.
        await alice.Page.Locator("#avatar-remove").ClickAsync();
        await Expect(herAvatar.Locator("img")).ToHaveCountAsync(0);
        await Expect(herAvatar).ToHaveAttributeAsync("data-initial", alice.Name[..1].ToUpperInvariant());
        await Expect(bob.Member(alice.Name).Locator(".avatar img")).ToHaveCountAsync(0);

        // A display name travels the same way.
        await alice.Page.Locator("#display-name").FillAsync("Alice Liddell");
        await alice.Page.Locator("#display-name-save").ClickAsync();
        await Expect(bob.MessageAt(hello)).ToContainTextAsync("Alice Liddell");

        Assert.True(await bob.Page.EvaluateAsync<bool>("() => window.sameDocument === true"), "Bob's page was loaded again");
        alice.AssertNoProblems();
        bob.AssertNoProblems();
    }

    private static Task<int> NaturalWidthAsync(ILocator image) => image.EvaluateAsync<int>(
        "img => img.complete && img.naturalWidth ? img.naturalWidth : new Promise(done => img.addEventListener('load', () => done(img.naturalWidth)))");

    [GeneratedRegex("^blob:")]
    private static partial Regex BlobUrl();
}
