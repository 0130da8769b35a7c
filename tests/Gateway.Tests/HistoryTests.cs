using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>The history frame: pages of messages, oldest first, deletions shown as tombstones.</summary>
public sealed class HistoryTests(ChatSystemFixture fixture) : IClassFixture<ChatSystemFixture>
{
    private ChatSystem System => fixture.System;

    [Fact]
    public async Task History_returns_the_messages_before_a_seq_ascending_with_hasMore()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room); // seq 1
        for (var i = 1; i <= 5; i++)
        {
            await alice.SendAsync(room, $"message {i}"); // seqs 2..6
        }

        var newest = await alice.HistoryAsync(room, before: 7, limit: 3);
        var older = await alice.HistoryAsync(room, before: 4, limit: 3);
        var whole = await alice.HistoryAsync(room);

        Assert.Equal([4, 5, 6], newest.Seqs);
        Assert.True(newest.HasMore);
        Assert.Equal(["message 3", "message 4", "message 5"], newest.Messages.Select(m => m.Text));
        Assert.Equal([2, 3], older.Seqs);
        Assert.False(older.HasMore);
        Assert.Equal([2, 3, 4, 5, 6], whole.Seqs);
        Assert.False(whole.HasMore);
    }

    [Fact]
    public async Task A_deleted_message_stays_in_history_with_deleted_true_and_empty_text()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        var kept = await alice.SendAsync(room, "kept");
        var gone = await alice.SendAsync(room, "regrettable");
        await alice.DeleteAsync(room, gone);

        var messages = (await alice.HistoryAsync(room)).Messages;

        Assert.Equal([kept, gone], messages.Select(m => m.Seq));
        Assert.False(messages[0].Deleted);
        Assert.Equal("kept", messages[0].Text);
        Assert.True(messages[1].Deleted);
        Assert.Equal("", messages[1].Text);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(201)]
    public async Task History_with_a_limit_outside_1_to_200_is_a_validation_error(int limit)
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);

        var answer = await alice.RequestAsync("history", new { room, before = 100, limit });

        ChatSteps.AssertError(answer, "validation");
    }

    [Fact]
    public async Task History_of_a_room_is_refused_to_a_non_member()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        await using var outsider = await System.ConnectNewUserAsync("outsider");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await alice.SendAsync(room, "members only");

        var answer = await outsider.RequestAsync("history", new { room, before = 100 });

        // Public or private, a room one is not in is not found over the socket.
        ChatSteps.AssertError(answer, "not_found");
    }
}
