using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

public sealed class ChattingTests(ChatSystemFixture fixture) : IClassFixture<ChatSystemFixture>
{
    private ChatSystem System => fixture.System;

    private static string NewRoom() => $"room-{Guid.NewGuid():N}"[..20];

    [Fact]
    public async Task A_message_reaches_the_other_member_with_its_seq()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        await using var bob = await System.ConnectNewUserAsync("bob");
        var room = NewRoom();
        ChatTestClient.Ok(await alice.RequestAsync("join", new { room }));
        var joined = ChatTestClient.Ok(await bob.RequestAsync("join", new { room }));

        var sent = ChatTestClient.Ok(await alice.RequestAsync("send", new { room, clientMsgId = "m1", text = "hello bob" }));

        var seq = sent.GetProperty("seq").GetInt64();
        Assert.Equal(joined.GetProperty("lastSeq").GetInt64() + 1, seq);
        var seen = await bob.WaitForEventAsync(room, seq);
        Assert.Equal("message", seen.GetProperty("kind").GetString());
        Assert.Equal("hello bob", seen.GetProperty("text").GetString());
        Assert.Equal(alice.User, seen.GetProperty("sender").GetString());
    }
}
