using System.Net.WebSockets;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>The first frame of a socket: a hello with a valid token, or the door closes with 1008.</summary>
public sealed class HelloTests(ChatSystemFixture fixture) : IClassFixture<ChatSystemFixture>
{
    private ChatSystem System => fixture.System;

    private async Task<ChatTestClient> ConnectWithoutHelloAsync()
    {
        var (name, token) = await System.RegisterAsync("greeter");
        return await ChatTestClient.ConnectAsync(System.SocketUri, name, token);
    }

    [Fact]
    public async Task Hello_with_a_valid_token_answers_with_the_user_a_session_and_their_rooms()
    {
        await using var first = await System.ConnectNewUserAsync("greeter");
        var room = Fresh.Room();
        await first.JoinAsync(room);
        await using var client = await ChatTestClient.ConnectAsync(System.SocketUri, first.User, first.Token);

        var hello = await client.HelloAsync();

        Assert.Equal(first.User, hello.User.Name);
        Assert.False(string.IsNullOrEmpty(hello.SessionId));
        var summary = Assert.Single(hello.Rooms);
        Assert.Equal(room, summary.Id);
        Assert.Equal(1, summary.LastSeq);
    }

    [Fact]
    public async Task A_first_frame_other_than_hello_is_unauthorized_and_closes_with_1008()
    {
        await using var client = await ConnectWithoutHelloAsync();

        var answer = await client.RequestAsync("ping");

        ChatSteps.AssertError(answer, "unauthorized");
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await client.ClosedWithAsync());
    }

    [Fact]
    public async Task A_first_frame_that_is_not_json_is_a_bad_request_and_closes_with_1008()
    {
        await using var client = await ConnectWithoutHelloAsync();

        await client.SendTextAsync("hello?");

        ChatSteps.AssertError(await client.WaitForUnreferencedErrorAsync(), "bad_request");
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await client.ClosedWithAsync());
    }

    /// <summary>JSON can escape half of a surrogate pair, which no string can hold: malformed, not an outage.</summary>
    [Theory]
    [InlineData("{\"type\":\"hello\",\"ref\":\"h1\",\"token\":\"\\ud800\"}")]
    [InlineData("{\"type\":\"hello\",\"ref\":\"h1\",\"token\":\"x\\udc00y\"}")]
    [InlineData("{\"type\":\"hell\\ud800\",\"ref\":\"h1\"}")]
    [InlineData("{\"type\":\"hello\",\"ref\":\"h1\",\"token\":\"t\",\"resume\":{\"\\udfff\":1}}")]
    public async Task A_lone_surrogate_before_hello_is_a_bad_request_answered_on_its_ref_and_closes_with_1008(string frame)
    {
        await using var client = await ConnectWithoutHelloAsync();

        await client.SendTextAsync(frame);

        ChatSteps.AssertError(await client.WaitForAnswerAsync("h1"), "bad_request");
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await client.ClosedWithAsync());
    }

    [Fact]
    public async Task A_resume_naming_something_that_is_not_a_room_id_is_a_bad_request()
    {
        await using var client = await ConnectWithoutHelloAsync();

        await client.SendFrameAsync("hello", "h1", new { token = client.Token, resume = new Dictionary<string, long> { ["NOT A ROOM"] = 1 } });

        ChatSteps.AssertError(await client.WaitForAnswerAsync("h1"), "bad_request");
    }

    public static TheoryData<string?> BadTokens() => new()
    {
        null,
        "",
        "not-a-token",
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Hello_with_a_missing_or_bad_token_is_unauthorized_and_closes_with_1008(string? token)
    {
        await using var client = await ConnectWithoutHelloAsync();

        var answer = await client.RequestAsync("hello", new { token });

        ChatSteps.AssertError(answer, "unauthorized");
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await client.ClosedWithAsync());
    }

    [Fact]
    public async Task Hello_with_a_token_whose_payload_was_changed_to_another_user_is_unauthorized_and_closes_with_1008()
    {
        await using var victim = await System.ConnectNewUserAsync("victim");
        await using var client = await ConnectWithoutHelloAsync();

        var answer = await client.RequestAsync("hello", new { token = Tokens.WithTamperedPayload(client.Token, victim.User) });

        ChatSteps.AssertError(answer, "unauthorized");
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await client.ClosedWithAsync());
    }

    [Fact]
    public async Task Hello_with_a_valid_token_rewritten_to_alg_none_is_unauthorized_and_closes_with_1008()
    {
        await using var client = await ConnectWithoutHelloAsync();

        var answer = await client.RequestAsync("hello", new { token = Tokens.WithAlgorithmNone(client.Token) });

        ChatSteps.AssertError(answer, "unauthorized");
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await client.ClosedWithAsync());
    }

    [Fact]
    public async Task Hello_with_a_valid_token_signed_with_another_key_is_unauthorized_and_closes_with_1008()
    {
        await using var client = await ConnectWithoutHelloAsync();

        var answer = await client.RequestAsync("hello", new { token = Tokens.SignedWithAnotherKey(client.Token) });

        ChatSteps.AssertError(answer, "unauthorized");
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await client.ClosedWithAsync());
    }

    [Fact]
    public async Task Hello_with_a_token_whose_signature_was_changed_is_unauthorized_and_closes_with_1008()
    {
        await using var client = await ConnectWithoutHelloAsync();

        var answer = await client.RequestAsync("hello", new { token = Tokens.WithTamperedSignature(client.Token) });

        ChatSteps.AssertError(answer, "unauthorized");
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await client.ClosedWithAsync());
    }

    [Fact]
    public async Task A_second_hello_on_a_greeted_socket_is_a_bad_request()
    {
        await using var client = await System.ConnectNewUserAsync("greeter");

        var answer = await client.RequestAsync("hello", new { token = client.Token });

        ChatSteps.AssertError(answer, "bad_request");
        await client.AssertStillUsableAsync();
    }
}
