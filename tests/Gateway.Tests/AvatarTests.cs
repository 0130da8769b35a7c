using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>
/// Avatars over HTTP: a user sets, replaces and removes their own picture (<c>PUT</c> and
/// <c>DELETE /api/me/avatar</c>); the server keeps only a small square PNG it wrote itself, refuses
/// anything that is no picture, and serves the picture to anyone signed in at an address that
/// changes with it.
/// </summary>
public sealed class AvatarTests(ChatSystemFixture fixture) : IClassFixture<ChatSystemFixture>
{
    private const int AvatarSize = 128;
    private const int DefaultMaxBytes = 2 * 1024 * 1024;

    private ChatSystem System => fixture.System;

    public sealed record ProfileView(string Name, string? DisplayName, string? Avatar);

    public sealed record UserView(long Id, string Name, string? DisplayName, string? Avatar);

    public sealed record Changed(UserView User);

    private static Task<HttpResponseMessage> PutAvatar(HttpClient http, byte[] bytes, string claimedType = "image/png")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(claimedType);
        return http.PutAsync("/api/me/avatar", content);
    }

    private static async Task<string> SetAvatar(HttpClient http, byte[] bytes)
    {
        using var response = await PutAvatar(http, bytes);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"PUT /api/me/avatar answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.ReadAsync<Changed>()).User.Avatar ?? throw new InvalidOperationException("no avatar address");
    }

    private static async Task<string?> AvatarOf(HttpClient http, string user) =>
        (await http.GetFromJsonAsync<ProfileView>($"/api/users/{user}"))!.Avatar;

    [Fact]
    public async Task An_avatar_is_served_to_any_signed_in_user_as_a_small_square_png_and_to_nobody_else()
    {
        var (alice, aliceToken) = await System.RegisterAsync("alice");
        // Bob shares no room with Alice: an avatar is no room's file.
        var (_, bobToken) = await System.RegisterAsync("bob");
        using var aliceHttp = System.Http(aliceToken);
        using var bobHttp = System.Http(bobToken);
        using var anonymous = System.Http();

        var address = await SetAvatar(aliceHttp, TestImages.Png(400, 300));

        Assert.Matches($"^/api/users/{alice}/avatar/[0-9a-f]{{16}}$", address);
        Assert.Equal(address, await AvatarOf(bobHttp, alice));
        Assert.Equal(address, (await aliceHttp.GetFromJsonAsync<Changed>("/api/me"))!.User.Avatar);
        using var served = await bobHttp.GetAsync(address);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("image/png", served.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", served.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("immutable", served.Headers.CacheControl?.Extensions.Select(e => e.Name) ?? []);
        Assert.True(served.Headers.CacheControl!.Private);
        Assert.Equal((AvatarSize, AvatarSize), TestImages.SizeOf(await served.Content.ReadAsByteArrayAsync()));

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(address)).StatusCode);
        // Nor may anyone but the token's user change it.
        Assert.Equal(HttpStatusCode.Unauthorized, (await PutAvatar(anonymous, TestImages.Png(10, 10))).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await bobHttp.PutAsync(address, new ByteArrayContent(TestImages.Png(10, 10)))).StatusCode);
        Assert.Equal(address, await AvatarOf(bobHttp, alice));
    }

    [Fact]
    public async Task A_new_avatar_gets_a_new_address_and_after_removal_the_user_has_none()
    {
        var (alice, token) = await System.RegisterAsync("alice");
        using var http = System.Http(token);
        var first = await SetAvatar(http, TestImages.Png(200, 200));

        var second = await SetAvatar(http, TestImages.Png(300, 100));

        Assert.NotEqual(first, second);
        Assert.Equal(second, await AvatarOf(http, alice));
        // A browser keeps what an address gave for good, so an old address never answers with the new picture.
        await HttpSteps.AssertProblemAsync(await http.GetAsync(first), HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(second)).StatusCode);

        using var removed = await http.DeleteAsync("/api/me/avatar");
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Null((await removed.ReadAsync<Changed>()).User.Avatar);
        Assert.Null(await AvatarOf(http, alice));
        await HttpSteps.AssertProblemAsync(await http.GetAsync(second), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Anything_but_a_picture_is_refused_with_415_and_the_avatar_stays_as_it_was()
    {
        var (alice, token) = await System.RegisterAsync("alice");
        using var http = System.Http(token);
        var address = await SetAvatar(http, TestImages.Png(64, 64));

        byte[][] refused =
        [
            "just some words"u8.ToArray(),
            "<html><script>alert(1)</script></html>"u8.ToArray(),
            """<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"""u8.ToArray(),
            "%PDF-1.7 not a picture"u8.ToArray(),
            // A PNG's first bytes with no picture behind them, and a PNG cut off half-way.
            [.. TestImages.Signature, .. "<script>alert(1)</script>"u8],
            TestImages.Png(64, 64)[..60],
            [],
        ];
        foreach (var body in refused)
        {
            // Whatever the client claims: the bytes decide.
            await HttpSteps.AssertProblemAsync(await PutAvatar(http, body, "image/png"), HttpStatusCode.UnsupportedMediaType, "validation");
        }
        // A picture that declares more pixels than allowed is refused before it is decoded.
        await HttpSteps.AssertProblemAsync(await PutAvatar(http, TestImages.PngDeclaring(100_000, 100_000)), HttpStatusCode.BadRequest, "validation");
        // Past Avatars:MaxBytes (2 MB by default).
        var tooBig = new byte[DefaultMaxBytes + 1];
        TestImages.Png(64, 64).CopyTo(tooBig, 0);
        // Expect: 100-continue, so that the client waits for the server's answer before writing the
        // body (the server answers 413 from the Content-Length and would cut a client still writing).
        using var oversized = new HttpRequestMessage(HttpMethod.Put, "/api/me/avatar") { Content = new ByteArrayContent(tooBig) };
        oversized.Headers.ExpectContinue = true;
        await HttpSteps.AssertProblemAsync(await http.SendAsync(oversized), HttpStatusCode.RequestEntityTooLarge, "too_large");

        Assert.Equal(address, await AvatarOf(http, alice));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(address)).StatusCode);
    }

    [Fact]
    public async Task The_kept_picture_is_written_anew_so_metadata_and_bytes_after_the_image_are_gone()
    {
        var (_, token) = await System.RegisterAsync("alice");
        using var http = System.Http(token);
        var upload = TestImages.PngCarrying(96, 64, "eXIf", "GPS 51.5007N 0.1246W taken at home"u8.ToArray(),
            "<html><script>alert(document.cookie)</script></html>"u8.ToArray());

        var address = await SetAvatar(http, upload);

        var kept = await http.GetByteArrayAsync(address);
        var text = Encoding.Latin1.GetString(kept);
        Assert.DoesNotContain("GPS", text);
        Assert.DoesNotContain("eXIf", text);
        Assert.DoesNotContain("<script>", text);
        Assert.EndsWith("IEND\u00AE\u0042\u0060\u0082", text);
        // The middle square of a 96 × 64 picture, kept at its own size since it is under the avatar size.
        Assert.Equal((64, 64), TestImages.SizeOf(kept));
    }
    [Fact]
    public async Task A_changed_or_removed_avatar_is_told_at_once_to_those_who_share_a_room_and_to_nobody_else()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        await using var bob = await System.ConnectNewUserAsync("bob");
        await using var carol = await System.ConnectNewUserAsync("carol");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);
        // Carol is in a room of her own: Alice is nowhere on her page.
        await carol.JoinAsync(Fresh.Room());
        using var aliceHttp = System.Http(alice.Token);
        using var patched = await aliceHttp.PatchAsJsonAsync("/api/me", new { displayName = "Alice" });
        var named = await bob.WaitForAsync<ProfileFrame>(f => f.User == alice.User);

        var address = await SetAvatar(aliceHttp, TestImages.Png(64, 64));
        var set = await bob.WaitForAsync<ProfileFrame>(f => f.User == alice.User && f.Avatar == address);
        using (var removed = await aliceHttp.DeleteAsync("/api/me/avatar"))
        {
            Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        }
        // Frames may overtake each other on the way; the stamp tells the newer.
        var gone = await bob.WaitForAsync<ProfileFrame>(f => f.User == alice.User && f.Stamp > set.Stamp);

        Assert.Equal(new ProfileFrame(room, alice.User, "Alice", null, named.Stamp), named);
        Assert.Equal(new ProfileFrame(room, alice.User, "Alice", address, set.Stamp), set);
        Assert.Equal(new ProfileFrame(room, alice.User, "Alice", null, gone.Stamp), gone);
        Assert.True(set.Stamp > named.Stamp, "a later change carries a larger stamp");
        // Alice's own socket follows the room too: her other tabs and devices learn it the same way.
        await alice.WaitForAsync<ProfileFrame>(f => f.Stamp == gone.Stamp);
        Assert.Empty(carol.Frames.OfType<ProfileFrame>());
    }

    [Fact]
    public async Task A_read_profile_carries_a_stamp_that_orders_it_among_the_change_notices()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, _, aliceHttp, bobHttp) = pair;

        var before = Assert.Single((await bobHttp.GetFromJsonAsync<List<StampedProfile>>($"/api/users?name={alice.User}"))!);
        using (var patched = await aliceHttp.PatchAsJsonAsync("/api/me", new { displayName = "Alice" }))
        {
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        }
        var notice = await bob.WaitForAsync<ProfileFrame>(f => f.User == alice.User);
        var after = Assert.Single((await bobHttp.GetFromJsonAsync<List<StampedProfile>>($"/api/users?name={alice.User}"))!);

        // A page whose read was on its way while the notice came keeps whichever is newer: the notice
        // over the read from before the change, the read from after it over the notice.
        Assert.Null(before.DisplayName);
        Assert.True(before.Stamp < notice.Stamp, "the read from before the change is older than its notice");
        Assert.Equal("Alice", after.DisplayName);
        Assert.True(after.Stamp > notice.Stamp, "a read after the notice is newer than it");
    }

    private sealed record StampedProfile(string Name, string? DisplayName, string? Avatar, long Stamp);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public async Task An_avatar_made_of_a_phone_photo_stands_as_its_EXIF_orientation_says(int orientation)
    {
        var (_, token) = await System.RegisterAsync("alice");
        using var http = System.Http(token);
        // Stored 240 × 120: the middle square of the picture as shown holds all four quarters.
        var photo = ExifJpegs.Quarters(240, 120, orientation);

        var kept = await http.GetByteArrayAsync(await SetAvatar(http, photo));

        Assert.Equal((120, 120), TestImages.SizeOf(kept));
        Assert.Equal(ExifJpegs.Shown(orientation), ExifJpegs.CornersOf(kept));
        Assert.Equal(1, ExifJpegs.OrientationOf(kept));
    }


    [Fact]
    public async Task Patch_me_makes_an_avatar_of_ones_own_uploaded_picture_and_null_removes_it()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room, aliceHttp, bobHttp) = pair;
        var picture = await aliceHttp.UploadAsync(room, "me.png", TestImages.Png(300, 300));
        var notes = await aliceHttp.UploadAsync(room, "notes.txt", "not a picture"u8.ToArray());
        var bobs = await bobHttp.UploadAsync(room, "bob.png", TestImages.Png(50, 50));
        await bob.SendWithAsync(room, "me", bobs.Id);

        using var set = await aliceHttp.PatchAsJsonAsync("/api/me", new { displayName = "Alice", avatar = picture.Id });

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var address = (await set.ReadAsync<Changed>()).User.Avatar!;
        Assert.Equal((AvatarSize, AvatarSize), TestImages.SizeOf(await bobHttp.GetByteArrayAsync(address)));
        // Someone else's picture, even one she can see in the room, is no file of hers.
        await HttpSteps.AssertProblemAsync(await aliceHttp.PatchAsJsonAsync("/api/me", new { avatar = bobs.Id }), HttpStatusCode.NotFound, "not_found");
        // A refused avatar changes nothing, the display name sent with it included.
        await HttpSteps.AssertProblemAsync(await aliceHttp.PatchAsJsonAsync("/api/me", new { displayName = "Mallory", avatar = notes.Id }), HttpStatusCode.UnsupportedMediaType, "validation");
        await HttpSteps.AssertProblemAsync(await aliceHttp.PatchAsJsonAsync("/api/me", new { avatar = 42 }), HttpStatusCode.BadRequest, "validation");
        Assert.Equal(new ProfileView(alice.User, "Alice", address), await bobHttp.GetFromJsonAsync<ProfileView>($"/api/users/{alice.User}"));

        using var removed = await aliceHttp.PatchAsJsonAsync("/api/me", new { avatar = (Guid?)null });
        Assert.Null((await removed.ReadAsync<Changed>()).User.Avatar);
        Assert.Equal(new ProfileView(alice.User, "Alice", null), await bobHttp.GetFromJsonAsync<ProfileView>($"/api/users/{alice.User}"));
    }
}
