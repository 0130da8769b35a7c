using System.Text.RegularExpressions;
using ChatApp.Tests.Support;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ChatApp.Tests.Browser;

/// <summary>Who is online, who is typing, and what is unread, as two people's pages show it.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class PresenceTypingUnreadTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_members_dot_turns_online_when_their_page_opens_the_room_and_offline_when_it_closes()
    {
        await using var alice = await ChatPage.OpenAsNewUserAsync(fixture, "alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        // Bob belongs to the room but has no page open yet.
        using var bobApi = await ApiUser.RegisterAsync(fixture.System, "bob");
        await bobApi.JoinAsync(room);
        await Expect(alice.Member(bobApi.Name)).ToHaveCountAsync(1);
        await Expect(alice.Member(bobApi.Name)).Not.ToHaveClassAsync(Online());
        await Expect(alice.Member(alice.Name)).ToHaveClassAsync(Online());

        await using var bob = await ChatPage.OpenAsync(fixture, "bob");
        await bob.SignInAsync(bobApi.Name);
        await bob.OpenFromListAsync(room);

        await Expect(alice.Member(bobApi.Name)).ToHaveClassAsync(Online());
        await Expect(alice.Member(bobApi.Name).Locator(".dot")).ToHaveAttributeAsync("title", "online");
        bob.AssertNoProblems();

        // Closing the page closes its socket cleanly, which the server takes as leaving at once.
        await bob.DisposeAsync();

        await Expect(alice.Member(bobApi.Name)).Not.ToHaveClassAsync(Online());
        await Expect(alice.Member(bobApi.Name).Locator(".dot")).ToHaveAttributeAsync("title", "offline");
        alice.AssertNoProblems();
    }

    [Fact]
    public async Task Typing_shows_on_the_other_members_page_and_goes_away_by_itself()
    {
        await using var alice = await ChatPage.OpenAsNewUserAsync(fixture, "alice");
        await using var bob = await ChatPage.OpenAsNewUserAsync(fixture, "bob");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);
        await Expect(alice.Member(bob.Name)).ToHaveCountAsync(1);
        var aliceSees = alice.Page.Locator("#typing");
        await Expect(aliceSees).ToHaveTextAsync("");

        await bob.Page.Locator("#composer").PressSequentiallyAsync("half a thou");

        await Expect(aliceSees).ToHaveTextAsync($"{bob.Name} is typing…");
        await Expect(bob.Page.Locator("#typing")).ToHaveTextAsync("");
        // Bob stops without sending: the indicator lasts a few seconds, with nothing else to clear it.
        await Expect(aliceSees).ToHaveTextAsync("", new LocatorAssertionsToHaveTextOptions { Timeout = 10_000 });
        await Expect(bob.Page.Locator("#composer")).ToHaveValueAsync("half a thou");
        alice.AssertNoProblems();
        bob.AssertNoProblems();
    }

    [Fact]
    public async Task Unread_messages_show_as_a_badge_until_the_room_is_opened_and_stay_read_after_a_reload()
    {
        await using var alice = await ChatPage.OpenAsNewUserAsync(fixture, "alice");
        await using var bob = await ChatPage.OpenAsNewUserAsync(fixture, "bob");
        var busy = Fresh.Room();
        var quiet = Fresh.Room();
        await alice.JoinAsync(busy);
        await alice.JoinAsync(quiet);
        await bob.JoinAsync(busy);

        string[] texts = ["one", "two", "three"];
        foreach (var text in texts)
        {
            await bob.SendConfirmedAsync(text);
        }

        await Expect(alice.UnreadBadge(busy)).ToHaveTextAsync("3");
        await Expect(alice.UnreadBadge(quiet)).ToHaveCountAsync(0);
        await Expect(alice.CurrentRoom).ToHaveTextAsync(quiet);

        await alice.OpenFromListAsync(busy);
        await Expect(alice.MessageTexts).ToHaveTextAsync(texts);
        await Expect(alice.UnreadBadge(busy)).ToHaveCountAsync(0);
        await alice.OpenFromListAsync(quiet);
        await Expect(alice.UnreadBadge(busy)).ToHaveCountAsync(0);

        // The page told the server, so a reload (which asks the server) finds the room read.
        await alice.WaitUntilServerCountsAsync(fixture.System, busy, "unread", 0);
        await alice.Page.ReloadAsync();
        await Expect(alice.ConnectionState).ToHaveTextAsync("connected");
        await Expect(alice.CurrentRoom).ToHaveTextAsync(quiet);
        // The list comes from hello with each room's count: once the room is listed, its badge is decided.
        await Expect(alice.RoomInList(busy)).ToHaveCountAsync(1);
        await Expect(alice.UnreadBadge(busy)).ToHaveCountAsync(0);

        // And counting goes on live after the reload.
        await bob.SendConfirmedAsync("four");
        await Expect(alice.UnreadBadge(busy)).ToHaveTextAsync("1");
        alice.AssertNoProblems();
        bob.AssertNoProblems();
    }

    [GeneratedRegex(@"(^|\s)online(\s|$)")]
    private static partial Regex Online();
}
