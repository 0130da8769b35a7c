using System.Text.RegularExpressions;
using ChatApp.Tests.Support;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ChatApp.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed partial class AttachmentsTests(BrowserFixture fixture)
{
    [Fact]
    public async Task An_image_one_member_uploads_shows_as_a_thumbnail_to_the_other_and_a_non_member_is_refused_the_file()
    {
        await using var alice = await ChatPage.OpenAsNewUserAsync(fixture, "alice");
        await using var bob = await ChatPage.OpenAsNewUserAsync(fixture, "bob");
        await using var carol = await ChatPage.OpenAsNewUserAsync(fixture, "carol");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);

        // Alice types a caption and picks a file: it uploads and goes out with the caption.
        await alice.Page.Locator("#composer").FillAsync("the view from here");
        await alice.Page.Locator("#attach-input").SetInputFilesAsync(
            new FilePayload { Name = "view.png", MimeType = "image/png", Buffer = TestImages.Png(400, 300) });

        // Bob sees the thumbnail (320 px wide), and a click opens the whole image (400 px).
        var message = bob.StoredMessage("the view from here");
        var thumbnail = message.Locator(".attachment-image img.thumbnail");
        await Expect(thumbnail).ToHaveAttributeAsync("src", BlobUrl());
        Assert.Equal(320, await NaturalWidthAsync(thumbnail));
        await message.Locator(".attachment-image").ClickAsync();
        var full = bob.Page.Locator("dialog.image-viewer img.full-image");
        await Expect(full).ToHaveAttributeAsync("src", BlobUrl());
        Assert.Equal(400, await NaturalWidthAsync(full));
        await Expect(alice.StoredMessage("the view from here").Locator("img.thumbnail")).ToHaveAttributeAsync("src", BlobUrl());

        // Carol, signed in but no member of the room, is refused the file and its thumbnail.
        var id = await message.Locator(".attachments").GetAttributeAsync("data-attachments");
        var token = await carol.TokenAsync();
        foreach (var path in new[] { $"/api/attachments/{id}", $"/api/attachments/{id}/thumbnail" })
        {
            var status = await carol.Page.EvaluateAsync<int>(
                "async ([path, token]) => (await fetch(path, { headers: { Authorization: 'Bearer ' + token } })).status",
                new[] { path, token });
            Assert.Equal(404, status);
        }
        alice.AssertNoProblems();
        bob.AssertNoProblems();
    }

    private static Task<int> NaturalWidthAsync(ILocator image) => image.EvaluateAsync<int>(
        "img => img.complete && img.naturalWidth ? img.naturalWidth : new Promise(done => img.addEventListener('load', () => done(img.naturalWidth)))");

    [GeneratedRegex("^blob:")]
    private static partial Regex BlobUrl();
}
