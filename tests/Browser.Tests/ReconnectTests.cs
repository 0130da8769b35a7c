using ChatApp.Tests.Support;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ChatApp.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class ReconnectTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_page_that_loses_its_connection_reconnects_and_shows_what_it_missed_once_in_order()
    {
        await using var cable = new NetworkCable(fixture.System.BaseUri);
        await using var alice = await ChatPage.OpenAsync(fixture, "alice", via: cable.BaseUri);
        await using var bob = await ChatPage.OpenAsync(fixture, "bob");
        // Each failed attempt to reconnect while unplugged is logged by Chromium itself, and so is
        // a request the page had in flight when the cable went (here once GET /api/rooms/{room}).
        alice.Tolerate = text => text.StartsWith("WebSocket connection to ", StringComparison.Ordinal)
            || text.StartsWith("Failed to load resource: net::ERR_CONNECTION_RESET", StringComparison.Ordinal)
            || text.StartsWith("Failed to load resource: net::ERR_INTERNET_DISCONNECTED", StringComparison.Ordinal);
        await alice.RegisterAsync(Fresh.User("alice"));
        await bob.RegisterAsync(Fresh.User("bob"));
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);
        await alice.SendConfirmedAsync("before the break");
        await Expect(bob.MessageTexts).ToHaveTextAsync(["before the break"]);

        // The network goes: the browser knows it is offline, and the socket breaks.
        await alice.Context.SetOfflineAsync(true);
        cable.Unplug();
        await Expect(alice.ConnectionState).Not.ToHaveTextAsync("connected");
        string[] missed = ["missed one", "missed two", "missed three"];
        foreach (var text in missed)
        {
            await bob.SendConfirmedAsync(text);
        }
        // Written while away: it waits in the outbox and goes once the page is back.
        await alice.SendAsync("written while away");
        await Expect(alice.Page.Locator("#messages li.pending .text")).ToHaveTextAsync(["written while away"]);
        await Expect(alice.MessageTexts).ToHaveTextAsync(["before the break", "written while away"]);

        // The network comes back; the page's "online" handler skips the rest of its backoff.
        cable.PlugIn();
        await alice.Context.SetOfflineAsync(false);

        await Expect(alice.ConnectionState).ToHaveTextAsync("connected");
        string[] conversation = ["before the break", .. missed, "written while away"];
        await Expect(alice.MessageTexts).ToHaveTextAsync(conversation);
        await Expect(alice.Page.Locator("#messages li.pending")).ToHaveCountAsync(0);
        await Expect(bob.MessageTexts).ToHaveTextAsync(conversation);
        alice.AssertNoProblems();
        bob.AssertNoProblems();
    }
}
