using System.Net.Http.Json;
using System.Net.WebSockets;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>What a client was told is stored outlives the whole cluster: every process stopped and started again.</summary>
public sealed class PersistenceTests
{
    [Fact]
    public async Task Messages_and_membership_survive_a_restart_of_everything_and_the_seq_continues()
    {
        await using var system = await ChatSystem.StartAsync();
        var room = Fresh.Room();
        var alice = await system.ConnectNewUserAsync("alice");
        var bob = await system.ConnectNewUserAsync("bob");
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);
        await alice.SendAsync(room, "one");
        var deleted = await bob.SendAsync(room, "two");
        await bob.DeleteAsync(room, deleted);
        var lastSeq = await alice.SendAsync(room, "three");
        var before = (await alice.HistoryAsync(room)).Messages;

        await system.RestartAsync();

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await alice.ClosedWithAsync());
        await alice.DisposeAsync();
        await bob.DisposeAsync();
        await using var aliceAgain = await system.ConnectAgainAsync(alice);
        await using var bobAgain = await system.ConnectAgainAsync(bob);
        Assert.Equal(before, (await aliceAgain.HistoryAsync(room)).Messages);
        using var http = system.Http(bobAgain.Token);
        var details = await http.GetFromJsonAsync<Room>($"/api/rooms/{room}");
        Assert.Equal(new Dictionary<string, string> { [alice.User] = "owner", [bob.User] = "member" }, details!.Roles);
        Assert.Equal(lastSeq, details.LastSeq);

        // Still members without joining again: the new message continues the seq and reaches Alice live.
        var next = await bobAgain.SendAsync(room, "four");
        Assert.Equal(lastSeq + 1, next);
        Assert.Equal("four", (await aliceAgain.WaitForEventAsync(room, next)).Text);
    }

    [Fact]
    public async Task A_retried_send_after_a_restart_returns_the_seq_stored_before_it()
    {
        await using var system = await ChatSystem.StartAsync();
        var room = Fresh.Room();
        var alice = await system.ConnectNewUserAsync("alice");
        await alice.JoinAsync(room);
        var seq = await alice.SendAsync(room, "sent just before the crash", clientMsgId: "pre-crash");

        await system.RestartAsync();

        await alice.DisposeAsync();
        await using var aliceAgain = await system.ConnectAgainAsync(alice);
        Assert.Equal(seq, await aliceAgain.SendAsync(room, "sent just before the crash", clientMsgId: "pre-crash"));
        Assert.Single((await aliceAgain.HistoryAsync(room)).Messages);
    }
}
