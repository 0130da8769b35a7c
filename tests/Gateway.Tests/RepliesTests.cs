using System.Net;
using System.Net.Http.Json;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>Replies over the socket and HTTP: the event and history carry <c>replyTo</c>; a reply to no message of the room is refused.</summary>
public sealed class RepliesTests(ChatSystemFixture fixture) : IClassFixture<ChatSystemFixture>
{
    private ChatSystem System => fixture.System;

    [Fact]
    public async Task A_reply_reaches_the_room_with_replyTo_and_history_keeps_it()
    {
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room) = pair;
        var question = await alice.SendAsync(room, "who is in?");

        var answer = await bob.ReplyAsync(room, question, "me");

        var seen = await alice.WaitForEventAsync(room, answer);
        Assert.Equal(("message", "me", (long?)question), (seen.Kind, seen.Text, seen.ReplyTo));
        Assert.Null(alice.Events(room).Single(e => e.Seq == question).ReplyTo);
        var history = await alice.HistoryAsync(room);
        Assert.Equal([null, question], history.Messages.Select(m => m.ReplyTo));
        Assert.All(history.Messages, m => Assert.Empty(m.Reactions!)); // the contract lists reactions, none here
    }

    [Fact]
    public async Task A_reply_to_no_message_of_the_room_is_not_found_and_a_replyTo_that_is_no_seq_is_a_bad_request()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        var message = await alice.SendAsync(room, "hello");

        ChatSteps.AssertError(await alice.RequestAsync("send", new { room, clientMsgId = Fresh.MsgId(), text = "re", replyTo = 1 }), "not_found");
        ChatSteps.AssertError(await alice.RequestAsync("send", new { room, clientMsgId = Fresh.MsgId(), text = "re", replyTo = 999 }), "not_found");
        ChatSteps.AssertError(await alice.RequestAsync("send", new { room, clientMsgId = Fresh.MsgId(), text = "re", replyTo = "2" }), "bad_request");
        ChatSteps.AssertError(await alice.RequestAsync("send", new { room, clientMsgId = Fresh.MsgId(), text = "re", replyTo = -2 }), "bad_request");

        Assert.Equal(message + 1, await alice.SendAsync(room, "nothing was stored"));
    }

    [Fact]
    public async Task Http_sends_a_reply_too_and_answers_the_message_with_replyTo()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        var question = await alice.SendAsync(room, "anyone?");
        using var http = System.Http(alice.Token);

        var created = await http.PostAsJsonAsync($"/api/rooms/{room}/messages", new { clientMsgId = Fresh.MsgId(), text = "me", replyTo = question });
        var missing = await http.PostAsJsonAsync($"/api/rooms/{room}/messages", new { clientMsgId = Fresh.MsgId(), text = "me", replyTo = 999 });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(question, (await created.Content.ReadFromJsonAsync<Message>())!.ReplyTo);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
