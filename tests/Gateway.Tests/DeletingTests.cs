using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>Who may delete a message, and what everyone sees when it goes.</summary>
public sealed class DeletingTests(ChatSystemFixture fixture) : IClassFixture<ChatSystemFixture>
{
    private ChatSystem System => fixture.System;

    [Fact]
    public async Task The_author_deletes_their_message_and_members_get_a_delete_event_naming_it()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room) = pair;
        var seq = await bob.SendAsync(room, "oops");

        var deleteSeq = await bob.DeleteAsync(room, seq);

        Assert.Equal(seq + 1, deleteSeq);
        var seen = await alice.WaitForEventAsync(room, deleteSeq);
        Assert.Equal("delete", seen.Kind);
        Assert.Equal(seq, seen.Target);
        Assert.Equal(bob.User, seen.Sender);
        Assert.Null(seen.Text);
    }

    [Fact]
    public async Task A_member_who_is_neither_author_nor_owner_cannot_delete()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        await using var bob = await System.ConnectNewUserAsync("bob");
        await using var mallory = await System.ConnectNewUserAsync("mallory");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);
        await mallory.JoinAsync(room);
        var seq = await bob.SendAsync(room, "mine, not yours");

        var answer = await mallory.RequestAsync("delete", new { room, seq });

        ChatSteps.AssertError(answer, "forbidden");
        var kept = Assert.Single((await bob.HistoryAsync(room)).Messages);
        Assert.False(kept.Deleted);
        Assert.Equal("mine, not yours", kept.Text);
        Assert.Equal(seq + 1, await bob.SendAsync(room, "and the log did not move"));
    }

    [Fact]
    public async Task The_owner_can_delete_another_members_message()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room) = pair;
        var seq = await bob.SendAsync(room, "against the rules");

        var deleteSeq = await alice.DeleteAsync(room, seq);

        var seen = await bob.WaitForEventAsync(room, deleteSeq);
        Assert.Equal("delete", seen.Kind);
        Assert.Equal(seq, seen.Target);
        Assert.Equal(alice.User, seen.Sender);
    }

    [Fact]
    public async Task Deleting_a_message_twice_or_one_that_never_existed_is_not_found()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        var seq = await alice.SendAsync(room, "short-lived");
        await alice.DeleteAsync(room, seq);

        ChatSteps.AssertError(await alice.RequestAsync("delete", new { room, seq }), "not_found");
        ChatSteps.AssertError(await alice.RequestAsync("delete", new { room, seq = 1 }), "not_found"); // seq 1 is the join, not a message
        ChatSteps.AssertError(await alice.RequestAsync("delete", new { room, seq = 999 }), "not_found");
    }
}
