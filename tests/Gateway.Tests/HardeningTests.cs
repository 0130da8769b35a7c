using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>Hostile bytes on a greeted socket: each is answered per the contract and the socket goes on working.</summary>
public sealed class HardeningTests(ChatSystemFixture fixture) : IClassFixture<ChatSystemFixture>
{
    private ChatSystem System => fixture.System;

    /// <summary>
    /// A text frame that is not UTF-8 breaks the WebSocket protocol itself (RFC 6455, 8.1), which
    /// requires failing the connection: .NET's WebSocket does, with 1007 when the close frame gets
    /// out first, and everyone else carries on.
    /// </summary>
    [Fact]
    public async Task Invalid_utf8_closes_that_socket_with_1007_and_nothing_else()
    {
        await using var bystander = await System.ConnectNewUserAsync();
        await using var client = await System.ConnectNewUserAsync();
        byte[] invalid = [.. "{\"type\":\"ping\",\"ref\":\"u1\",\"x\":\""u8.ToArray(), 0xC3, 0x28, 0xFF, .. "\"}"u8.ToArray()];

        await client.SendBytesAsync(invalid, WebSocketMessageType.Text);

        await client.Closed.WaitAsync(ChatTestClient.DefaultWait);
        Assert.Contains(client.CloseStatus, new WebSocketCloseStatus?[] { WebSocketCloseStatus.InvalidPayloadData, null });
        Assert.DoesNotContain(client.Frames, f => f is ReplyFrame { Ref: "u1" });
        await bystander.AssertStillUsableAsync();
    }

    [Theory]
    [InlineData("{\"type\":\"history\",\"ref\":\"n1\",\"room\":\"r\",\"before\":-1}")]
    [InlineData("{\"type\":\"history\",\"ref\":\"n1\",\"room\":\"r\",\"before\":1.5}")]
    [InlineData("{\"type\":\"history\",\"ref\":\"n1\",\"room\":\"r\",\"before\":99999999999999999999999999}")]
    [InlineData("{\"type\":\"history\",\"ref\":\"n1\",\"room\":\"r\",\"before\":1e400}")]
    [InlineData("{\"type\":\"delete\",\"ref\":\"n1\",\"room\":\"r\",\"seq\":-9223372036854775808}")]
    [InlineData("{\"type\":\"history\",\"ref\":\"n1\",\"room\":\"r\",\"before\":5,\"limit\":4294967297}")]
    public async Task Negative_fractional_and_overflowing_numbers_are_refused(string frame)
    {
        await using var client = await System.ConnectNewUserAsync();

        await client.SendTextAsync(frame);

        var error = Assert.IsType<ErrorFrame>(await client.WaitForAnswerAsync("n1"));
        Assert.Contains(error.Code, new[] { "bad_request", "validation" });
        await client.AssertStillUsableAsync();
    }

    /// <summary>
    /// The gateway's bound is 16 levels (the object of the frame is the first), far below the
    /// parser's default of 64: one level past it is refused, the deepest it allows is answered.
    /// </summary>
    [Theory]
    [InlineData(15, true)]
    [InlineData(16, false)]
    public async Task Json_nested_past_16_levels_is_a_bad_request_and_up_to_16_is_not(int arrays, bool answered)
    {
        await using var client = await System.ConnectNewUserAsync();
        var nested = "{\"type\":\"ping\",\"ref\":\"d1\",\"x\":" + new string('[', arrays) + new string(']', arrays) + "}";

        await client.SendTextAsync(nested);

        // Past the bound the frame does not parse, so its ref cannot be read: the error has none.
        var answer = answered ? await client.WaitForAnswerAsync("d1") : await client.WaitForUnreferencedErrorAsync();
        if (answered)
        {
            Assert.IsType<ReplyFrame>(answer);
        }
        else
        {
            ChatSteps.AssertError(answer, "bad_request");
        }
        await client.AssertStillUsableAsync();
    }

    /// <summary>Half a surrogate pair, escaped in JSON, in any string of a frame: answered on its ref, nothing stored.</summary>
    [Theory]
    [InlineData("\"text\":\"\\ud800\"")]
    [InlineData("\"text\":\"fine \\udc00 not\"")]
    [InlineData("\"text\":\"fine\",\"\\ud83d\":\"a name\"")]
    [InlineData("\"text\":\"fine\",\"extra\":[\"\\udbff\"]")]
    public async Task A_lone_surrogate_after_hello_is_a_bad_request_answered_on_its_ref_and_stores_nothing(string fields)
    {
        await using var client = await System.ConnectNewUserAsync();
        var room = Fresh.Room();
        await client.JoinAsync(room);

        await client.SendTextAsync($"{{\"type\":\"send\",\"ref\":\"s1\",\"room\":\"{room}\",\"clientMsgId\":\"c1\",{fields}}}");

        ChatSteps.AssertError(await client.WaitForAnswerAsync("s1"), "bad_request");
        Assert.Empty((await client.HistoryAsync(room)).Messages);
        await client.AssertStillUsableAsync();
    }

    [Fact]
    public async Task Control_characters_in_text_are_stored_and_returned_exactly()
    {
        await using var client = await System.ConnectNewUserAsync();
        var room = Fresh.Room();
        await client.JoinAsync(room);
        var text = "bell\u0007 tab\t esc\u001b[31m rtl\u202e zero-width\u200b end";

        var seq = await client.SendAsync(room, text);

        var history = await client.HistoryAsync(room);
        Assert.Equal(text, history.Messages.Single(m => m.Seq == seq).Text);
    }

    [Fact]
    public async Task A_nul_character_which_postgresql_cannot_store_is_refused_as_validation()
    {
        await using var client = await System.ConnectNewUserAsync();
        var room = Fresh.Room();
        await client.JoinAsync(room);

        var text = await client.RequestAsync("send", new { room, clientMsgId = "nul", text = "before\u0000after" });
        var id = await client.RequestAsync("send", new { room, clientMsgId = "nul\u0000id", text = "fine" });

        Assert.Equal("validation", Assert.IsType<ErrorFrame>(text).Code);
        Assert.Equal("validation", Assert.IsType<ErrorFrame>(id).Code);
        Assert.Empty((await client.HistoryAsync(room)).Messages);
    }

    [Fact]
    public async Task A_socket_that_opens_tcp_and_never_finishes_the_handshake_does_not_hold_up_others()
    {
        using var halfOpen = new TcpClient();
        await halfOpen.ConnectAsync(System.BaseUri.Host, System.BaseUri.Port);
        await halfOpen.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET /ws HTTP/1.1\r\nHost: x\r\n"));

        await using var client = await System.ConnectNewUserAsync();
        await client.AssertStillUsableAsync();
    }

    [Fact]
    public async Task A_socket_whose_client_vanished_mid_conversation_leaves_the_room_working()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var ghost = await System.ConnectNewUserAsync("ghost");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        await ghost.JoinAsync(room);

        ghost.Abort();
        var seq = await alice.SendAsync(room, "anyone there?");

        await alice.WaitForEventAsync(room, seq);
        await ghost.DisposeAsync();
    }
}
