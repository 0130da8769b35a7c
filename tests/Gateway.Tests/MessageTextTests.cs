using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>What a message's text may be: 1 to 4000 characters after trimming, any Unicode, kept exactly as sent.</summary>
public sealed class MessageTextTests(ChatSystemFixture fixture) : IClassFixture<ChatSystemFixture>
{
    private ChatSystem System => fixture.System;

    public static TheoryData<string> RefusedTexts() => new()
    {
        "",
        " ",
        " \t\r\n ",
        new string('x', 4001),
        "  " + new string('x', 4001) + "  ",
    };

    [Theory]
    [MemberData(nameof(RefusedTexts))]
    public async Task Text_that_is_empty_blank_or_over_4000_characters_is_refused_and_nothing_is_stored(string text)
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        var lastSeq = (await alice.JoinAsync(room)).LastSeq;

        var answer = await alice.RequestAsync("send", new { room, clientMsgId = "refused", text });

        ChatSteps.AssertError(answer, "validation");
        Assert.Empty((await alice.HistoryAsync(room)).Messages);
        Assert.Equal(lastSeq + 1, await alice.SendAsync(room, "the log did not move"));
        Assert.Equal(lastSeq + 2, await alice.SendAsync(room, "the refused id was not taken", clientMsgId: "refused"));
    }

    public static TheoryData<string> AcceptedTexts() => new()
    {
        "x",
        new string('x', 4000),
        "  " + new string('x', 4000) + "  ",
        string.Concat(Enumerable.Repeat("😀", 4000)),
    };

    [Theory]
    [MemberData(nameof(AcceptedTexts))]
    public async Task Text_of_1_to_4000_characters_after_trimming_is_stored_exactly(string text)
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);

        var seq = await alice.SendAsync(room, text);

        var stored = Assert.Single((await alice.HistoryAsync(room)).Messages);
        Assert.Equal(seq, stored.Seq);
        Assert.Equal(text, stored.Text);
    }

    [Fact]
    public async Task Html_in_a_message_is_stored_and_returned_exactly_as_sent()
    {
        const string Html = "<script>alert('x')</script> <b onmouseover=\"steal()\">bold</b> &amp; &lt; \\u003C";
        await using var pair = await System.TwoMembersAsync();
        var (alice, bob, room) = pair;

        var seq = await alice.SendAsync(room, Html);

        Assert.Equal(Html, (await bob.WaitForEventAsync(room, seq)).Text);
        var stored = Assert.Single((await bob.HistoryAsync(room)).Messages);
        Assert.Equal(Html, stored.Text);
        using var http = System.Http(bob.Token);
        var page = await http.GetFromJsonAsync<HistoryPage>($"/api/rooms/{room}/messages");
        Assert.Equal(Html, page!.Messages[0].Text);
    }

    /// <summary>"x" and spaces trims to one character, but is measured as sent: 16 KiB of UTF-8 at most.</summary>
    private static readonly string Padded = "x" + new string(' ', 16 * 1024);

    [Fact]
    public async Task Text_padded_past_16_KiB_is_refused_over_the_socket_for_send_and_edit_and_nothing_is_stored()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        var seq = await alice.SendAsync(room, "short");

        var send = await alice.RequestAsync("send", new { room, clientMsgId = "padded", text = Padded });
        var edit = await alice.RequestAsync("edit", new { room, seq, text = Padded });

        ChatSteps.AssertError(send, "validation");
        ChatSteps.AssertError(edit, "validation");
        var stored = Assert.Single((await alice.HistoryAsync(room)).Messages);
        Assert.Equal(("short", (DateTimeOffset?)null), (stored.Text, stored.EditedTs));
        Assert.Equal(seq + 1, await alice.SendAsync(room, "the log did not move"));
    }

    [Fact]
    public async Task Text_padded_past_16_KiB_is_refused_over_http_for_send_and_edit_and_nothing_is_stored()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        var seq = await alice.SendAsync(room, "short");
        using var http = System.Http(alice.Token);

        var send = await http.PostAsJsonAsync($"/api/rooms/{room}/messages", new { clientMsgId = "padded", text = Padded });
        var edit = await http.PatchAsJsonAsync($"/api/rooms/{room}/messages/{seq}", new { text = Padded });

        await HttpSteps.AssertProblemAsync(send, HttpStatusCode.BadRequest, "validation");
        await HttpSteps.AssertProblemAsync(edit, HttpStatusCode.BadRequest, "validation");
        var stored = Assert.Single((await alice.HistoryAsync(room)).Messages);
        Assert.Equal(("short", (DateTimeOffset?)null), (stored.Text, stored.EditedTs));
    }

    /// <summary>The report that found the bug: five million spaces after an "x" once answered 201.</summary>
    [Fact]
    public async Task Five_megabytes_of_padding_over_http_are_refused_413_and_nothing_is_stored()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        using var http = System.Http(alice.Token);

        // The length announced and the body held back until the server agrees (Expect: 100-continue),
        // as curl does for large bodies: the gateway answers from Content-Length alone and closes, and
        // a client still writing five megabytes would see the close instead of the answer.
        var body = JsonSerializer.SerializeToUtf8Bytes(new { clientMsgId = "huge", text = "x" + new string(' ', 5_000_000) });
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/rooms/{room}/messages")
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } },
        };
        request.Headers.ExpectContinue = true;
        var send = await http.SendAsync(request);

        await HttpSteps.AssertProblemAsync(send, HttpStatusCode.RequestEntityTooLarge, "too_large");
        Assert.Empty((await alice.HistoryAsync(room)).Messages);
    }

    [Fact]
    public async Task Text_of_exactly_16_KiB_with_its_padding_is_stored_exactly()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        var text = "x" + new string(' ', 16 * 1024 - 1);

        var seq = await alice.SendAsync(room, text);

        Assert.Equal(text, Assert.Single((await alice.HistoryAsync(room)).Messages).Text);
        Assert.Equal(seq, Assert.Single((await alice.HistoryAsync(room)).Messages).Seq);
    }
}
