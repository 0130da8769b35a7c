using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>A retried send (same clientMsgId) is the same message: one seq, one row, one event.</summary>
public sealed class IdempotencyTests(ChatSystemFixture fixture) : IClassFixture<ChatSystemFixture>
{
    private ChatSystem System => fixture.System;

    [Fact]
    public async Task The_same_clientMsgId_sent_twice_returns_the_first_seq_and_stores_one_message()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room) = pair;

        var first = (await alice.RequestAsync("send", new { room, clientMsgId = "retry-me", text = "once" })).Ok<SendReply>();
        var again = (await alice.RequestAsync("send", new { room, clientMsgId = "retry-me", text = "once" })).Ok<SendReply>();

        Assert.Equal(first, again);
        var stored = Assert.Single((await alice.HistoryAsync(room)).Messages);
        Assert.Equal("retry-me", stored.ClientMsgId);
        var next = await alice.SendAsync(room, "the log did not move");
        Assert.Equal(first.Seq + 1, next);
        await bob.WaitForEventAsync(room, next);
        Assert.Single(bob.Events(room), e => e.ClientMsgId == "retry-me");
    }

    [Fact]
    public async Task A_retry_on_a_new_connection_after_a_reconnect_returns_the_first_seq()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        var seq = await alice.SendAsync(room, "did this arrive?", clientMsgId: "across-reconnect");
        alice.Abort();

        await using var aliceAgain = await System.ConnectAgainAsync(alice);
        var retried = await aliceAgain.SendAsync(room, "did this arrive?", clientMsgId: "across-reconnect");

        Assert.Equal(seq, retried);
        var stored = Assert.Single((await aliceAgain.HistoryAsync(room)).Messages);
        Assert.Equal(seq, stored.Seq);
    }

    [Fact]
    public async Task The_same_clientMsgId_from_two_senders_is_two_messages()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room) = pair;

        var fromAlice = await alice.SendAsync(room, "from alice", clientMsgId: "m1");
        var fromBob = await bob.SendAsync(room, "from bob", clientMsgId: "m1");

        Assert.NotEqual(fromAlice, fromBob);
        Assert.Equal(2, (await alice.HistoryAsync(room)).Messages.Count);
    }
}
