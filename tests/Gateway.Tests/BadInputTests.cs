using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>Frames a careless or hostile client may send: each costs an error frame, never the connection or the log.</summary>
public sealed class BadInputTests(ChatSystemFixture fixture) : IClassFixture<ChatSystemFixture>
{
    private const int MaxFrameBytes = 64 * 1024;

    private ChatSystem System => fixture.System;

    [Theory]
    [InlineData("this is not json")]
    [InlineData("{\"type\": \"ping\", ")]
    [InlineData("[1, 2, 3]")]
    [InlineData("\"ping\"")]
    [InlineData("{\"ref\": \"x\"}")]
    public async Task A_frame_that_is_not_a_json_object_with_a_type_is_a_bad_request_and_the_socket_stays_usable(string text)
    {
        await using var client = await System.ConnectNewUserAsync("sloppy");

        await client.SendTextAsync(text);

        var error = await client.WaitForAsync<ErrorFrame>();
        ChatSteps.AssertError(error, "bad_request");
        await client.AssertStillUsableAsync();
    }

    [Fact]
    public async Task An_unknown_frame_type_is_a_bad_request_answered_on_its_ref()
    {
        await using var client = await System.ConnectNewUserAsync("sloppy");

        var answer = await client.RequestAsync("shout", new { room = "x" });

        ChatSteps.AssertError(answer, "bad_request");
        await client.AssertStillUsableAsync();
    }

    [Theory]
    [InlineData("send", "{\"room\": \"r\", \"clientMsgId\": \"c\"}")]
    [InlineData("send", "{\"clientMsgId\": \"c\", \"text\": \"hi\"}")]
    [InlineData("join", "{}")]
    [InlineData("delete", "{\"room\": \"r\"}")]
    [InlineData("history", "{\"room\": \"r\"}")]
    public async Task A_frame_missing_a_required_field_is_a_bad_request(string type, string fields)
    {
        await using var client = await System.ConnectNewUserAsync("sloppy");

        var answer = await client.RequestAsync(type, JsonSerializer.Deserialize<JsonElement>(fields));

        ChatSteps.AssertError(answer, "bad_request");
        await client.AssertStillUsableAsync();
    }

    [Theory]
    [InlineData("send", "{\"room\": \"r\", \"clientMsgId\": \"c\", \"text\": 42}")]
    [InlineData("send", "{\"room\": [\"r\"], \"clientMsgId\": \"c\", \"text\": \"hi\"}")]
    [InlineData("delete", "{\"room\": \"r\", \"seq\": \"5\"}")]
    [InlineData("delete", "{\"room\": \"r\", \"seq\": 1.5}")]
    [InlineData("delete", "{\"room\": \"r\", \"seq\": -1}")]
    [InlineData("history", "{\"room\": \"r\", \"before\": 10, \"limit\": \"all\"}")]
    public async Task A_field_of_the_wrong_type_is_a_bad_request(string type, string fields)
    {
        await using var client = await System.ConnectNewUserAsync("sloppy");

        var answer = await client.RequestAsync(type, JsonSerializer.Deserialize<JsonElement>(fields));

        ChatSteps.AssertError(answer, "bad_request");
        await client.AssertStillUsableAsync();
    }

    [Fact]
    public async Task A_ref_longer_than_64_characters_is_refused_and_one_of_64_is_answered()
    {
        await using var client = await System.ConnectNewUserAsync("sloppy");
        var exactly64 = new string('r', 64);

        await client.SendFrameAsync("ping", new string('r', 65));
        var refused = await client.WaitForUnreferencedErrorAsync();
        await client.SendFrameAsync("ping", exactly64);
        var answered = await client.WaitForAnswerAsync(exactly64);

        ChatSteps.AssertError(refused, "bad_request");
        Assert.IsType<ReplyFrame>(answered);
    }

    [Fact]
    public async Task A_binary_frame_is_a_bad_request_and_the_socket_stays_usable()
    {
        await using var client = await System.ConnectNewUserAsync("sloppy");

        await client.SendBytesAsync(Encoding.UTF8.GetBytes("{\"type\":\"ping\",\"ref\":\"bin\"}"), WebSocketMessageType.Binary);

        ChatSteps.AssertError(await client.WaitForUnreferencedErrorAsync(), "bad_request");
        await client.AssertStillUsableAsync();
    }

    [Fact]
    public async Task An_empty_frame_is_a_bad_request_and_the_socket_stays_usable()
    {
        await using var client = await System.ConnectNewUserAsync("terse");

        await client.SendBytesAsync([], WebSocketMessageType.Text);

        ChatSteps.AssertError(await client.WaitForUnreferencedErrorAsync(), "bad_request");
        await client.AssertStillUsableAsync();
    }

    [Fact]
    public async Task A_frame_of_exactly_64_KiB_is_answered()
    {
        await using var client = await System.ConnectNewUserAsync("big");
        var frame = PaddedPing("full", MaxFrameBytes);

        await client.SendTextAsync(frame);

        Assert.IsType<ReplyFrame>(await client.WaitForAnswerAsync("full"));
    }

    [Fact]
    public async Task A_frame_over_64_KiB_makes_the_server_close_with_1009()
    {
        await using var client = await System.ConnectNewUserAsync("big");

        await client.SendTextAsync(PaddedPing("over", MaxFrameBytes + 1));

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await client.ClosedWithAsync());
    }

    /// <summary>A ping whose UTF-8 form is exactly <paramref name="bytes"/> long.</summary>
    private static string PaddedPing(string reference, int bytes)
    {
        var empty = JsonSerializer.Serialize(new { type = "ping", @ref = reference, pad = "" });
        var frame = JsonSerializer.Serialize(new { type = "ping", @ref = reference, pad = new string('x', bytes - empty.Length) });
        Assert.Equal(bytes, Encoding.UTF8.GetByteCount(frame));
        return frame;
    }
}
