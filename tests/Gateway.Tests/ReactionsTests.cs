using System.Net.Http.Json;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>Reactions over the socket: seen live by every member, back with history and on resume, refused when not one emoji.</summary>
public sealed class ReactionsTests(ChatSystemFixture fixture) : IClassFixture<ChatSystemFixture>
{
    private ChatSystem System => fixture.System;

    [Fact]
    public async Task A_reaction_and_its_removal_are_events_every_member_sees_and_history_shows_the_result()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room) = pair;
        var message = await alice.SendAsync(room, "release is out");

        var reacted = await bob.ReactAsync(room, message, "🎉");
        var again = await bob.ReactAsync(room, message, "🎉");
        var thumbs = await alice.ReactAsync(room, message, "👍");
        var unreacted = await alice.UnreactAsync(room, message, "👍");

        Assert.Equal(reacted, again);
        Assert.Equal([reacted, thumbs, unreacted], [message + 1, message + 2, message + 3]);
        var seen = await alice.WaitForEventAsync(room, reacted);
        Assert.Equal(("reaction", bob.User, (long?)message, "🎉"), (seen.Kind, seen.Sender, seen.Target, seen.Emoji));
        var removal = await bob.WaitForEventAsync(room, unreacted);
        Assert.Equal(("unreaction", alice.User, (long?)message, "👍"), (removal.Kind, removal.Sender, removal.Target, removal.Emoji));
        var shown = (await bob.HistoryAsync(room)).Messages.Single();
        var reaction = Assert.Single(shown.Reactions!);
        Assert.Equal("🎉", reaction.Emoji);
        Assert.Equal([bob.User], reaction.Users);
    }

    [Fact]
    public async Task Reactions_made_while_away_come_back_on_resume()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room) = pair;
        var message = await bob.SendAsync(room, "vote with emoji");
        await alice.WaitForEventAsync(room, message);
        alice.Abort();

        var reaction = await bob.ReactAsync(room, message, "🔥");
        await using var aliceAgain = await System.ConnectAgainAsync(alice, resume: new Dictionary<string, long> { [room] = message });

        var replayed = await aliceAgain.WaitForEventAsync(room, reaction);
        Assert.Equal(("reaction", (long?)message, "🔥"), (replayed.Kind, replayed.Target, replayed.Emoji));
    }

    [Fact]
    public async Task A_reaction_that_is_not_one_emoji_is_refused_and_stores_nothing()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        var message = await alice.SendAsync(room, "react to me");

        ChatSteps.AssertError(await alice.RequestAsync("react", new { room, seq = message, emoji = "lol" }), "validation");
        ChatSteps.AssertError(await alice.RequestAsync("react", new { room, seq = message, emoji = "👍👍" }), "validation");
        ChatSteps.AssertError(await alice.RequestAsync("react", new { room, seq = message, emoji = new string('x', 100) }), "validation");
        ChatSteps.AssertError(await alice.RequestAsync("react", new { room, seq = message }), "bad_request");
        ChatSteps.AssertError(await alice.RequestAsync("unreact", new { room, seq = message, emoji = "👍" }), "not_found");
        ChatSteps.AssertError(await alice.RequestAsync("react", new { room, seq = 1, emoji = "👍" }), "not_found");

        Assert.Equal(message + 1, await alice.SendAsync(room, "the log did not move"));
        Assert.Empty((await alice.HistoryAsync(room)).Messages[0].Reactions!);
    }

    [Fact]
    public async Task Someone_outside_a_private_room_cannot_react_in_it()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        await using var mallory = await System.ConnectNewUserAsync("mallory");
        var room = Fresh.Room();
        using var http = System.Http(alice.Token);
        (await http.PostAsJsonAsync("/api/rooms", new { id = room, visibility = "private" })).EnsureSuccessStatusCode();
        await alice.JoinAsync(room);
        var message = await alice.SendAsync(room, "members only");

        ChatSteps.AssertError(await mallory.RequestAsync("react", new { room, seq = message, emoji = "👍" }), "not_found");

        Assert.Empty((await alice.HistoryAsync(room)).Messages[0].Reactions!);
    }
}
