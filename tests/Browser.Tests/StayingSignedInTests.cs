using ChatApp.Tests.Support;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ChatApp.Tests.Browser;

/// <summary>
/// Staying signed in and room settings, in Chromium: the refresh cookie signs a reload and a new
/// browser context in, while no script storage holds a token; a topic set by one person shows at
/// once on another's screen; an invite link opened joins its room.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class StayingSignedInTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_signed_in_browser_stays_signed_in_across_a_reload_and_a_new_context_with_its_cookies()
    {
        await using var first = await ChatPage.OpenAsNewUserAsync(fixture, "keeper");
        var room = Fresh.Room();
        await first.JoinAsync(room);
        await first.SendConfirmedAsync("still here");

        await first.Page.ReloadAsync();
        await Expect(first.Page.Locator("#me")).ToHaveTextAsync(first.Name);
        await Expect(first.ConnectionState).ToHaveTextAsync("connected");
        var stored = await first.Page.EvaluateAsync<string>("() => JSON.stringify({ ...sessionStorage, ...localStorage })");
        // No token in script storage: a JWT starts "eyJ" (base64 of '{"').
        Assert.DoesNotContain("eyJ", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("chatapp_refresh", await first.Page.EvaluateAsync<string>("() => document.cookie"), StringComparison.Ordinal);

        var cookies = await first.Context.CookiesAsync();
        await using var second = await ChatPage.OpenAsync(fixture, "keeper-again", prepare: c => c.AddCookiesAsync(
            cookies.Select(k => new Microsoft.Playwright.Cookie { Name = k.Name, Value = k.Value, Domain = k.Domain, Path = k.Path, HttpOnly = k.HttpOnly, SameSite = k.SameSite, Expires = k.Expires })),
            signedInAs: first.Name);
        await second.OpenFromListAsync(room);
        await Expect(second.MessageTexts).ToHaveTextAsync(["still here"]);
        first.AssertNoProblems();
        second.AssertNoProblems();
    }

    [Fact]
    public async Task A_topic_set_by_the_owner_shows_live_in_another_browser()
    {
        await using var owner = await ChatPage.OpenAsNewUserAsync(fixture, "owner");
        await using var member = await ChatPage.OpenAsNewUserAsync(fixture, "member");
        var room = Fresh.Room();
        await owner.JoinAsync(room);
        await member.JoinAsync(room);
        // The member's arrival redraws the owner's member list and the settings under it; the
        // owner sets the topic once it has, as a person would, not while it moves.
        await Expect(owner.Member(member.Name)).ToBeVisibleAsync();

        // The member list, with the room's settings under it, is open beside the room on a wide screen.
        await Expect(owner.Page.Locator("#room-settings")).ToBeVisibleAsync();
        await owner.Page.Locator("#topic-input").FillAsync("launch on friday");
        await owner.Page.Locator("#topic-save").ClickAsync();

        await Expect(member.Page.Locator("#room-topic")).ToHaveTextAsync("launch on friday");
        await Expect(member.Page.Locator("#messages li").Last).ToContainTextAsync("set the topic: launch on friday");
        await Expect(member.Page.Locator("#room-settings")).ToBeHiddenAsync();
        owner.AssertNoProblems();
        member.AssertNoProblems();
    }

    [Fact]
    public async Task An_invite_link_opened_in_a_browser_joins_its_private_room_after_sign_in()
    {
        await using var owner = await ChatPage.OpenAsNewUserAsync(fixture, "owner");
        var room = Fresh.Room("priv");
        await owner.CreatePrivateRoomAsync(room);
        // The member list, with the room's settings under it, is open beside the room on a wide screen.
        await Expect(owner.Page.Locator("#room-settings")).ToBeVisibleAsync();
        await owner.Page.Locator("#invite-create").ClickAsync();
        var url = await owner.Page.Locator("#invite-links .invite-url").InputValueAsync();

        await using var guest = await ChatPage.OpenAsync(fixture, "guest");
        // A link opened from elsewhere is a fresh load of the page, not a jump within it.
        await guest.Page.GotoAsync("about:blank");
        await guest.Page.GotoAsync(url);
        await guest.RegisterAsync(Fresh.User("guest"));

        await Expect(guest.CurrentRoom).ToHaveTextAsync(room);
        await Expect(owner.Member(guest.Name)).ToBeVisibleAsync();
        owner.AssertNoProblems();
        guest.AssertNoProblems();
    }
}
