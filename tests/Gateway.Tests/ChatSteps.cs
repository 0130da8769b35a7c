using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>
/// The steps the gateway tests repeat, spelled once: fresh room ids, the common frames, and the
/// checks on error frames and problem details. Each step fails the test when its answer is wrong.
/// </summary>
internal static class ChatSteps
{
    public const string Password = "correct horse battery";

    /// <summary>A room id no other test uses.</summary>
    public static string NewRoom(string prefix = "room") => $"{prefix}-{Guid.NewGuid():N}"[..20];

    public static async Task<JsonElement> JoinAsync(this ChatTestClient client, string room) =>
        ChatTestClient.Ok(await client.RequestAsync("join", new { room }));

    /// <summary>Sends a message and returns its seq.</summary>
    public static async Task<long> SendAsync(this ChatTestClient client, string room, string text, string? clientMsgId = null)
    {
        var reply = ChatTestClient.Ok(await client.RequestAsync("send", new { room, clientMsgId = clientMsgId ?? Guid.NewGuid().ToString("N"), text }));
        return reply.GetProperty("seq").GetInt64();
    }

    /// <summary>
    /// Writes <paramref name="count"/> send frames back to back without awaiting replies, then
    /// collects their seqs in the order they were sent.
    /// </summary>
    public static async Task<long[]> SendBurstAsync(this ChatTestClient client, string room, int count)
    {
        var refs = Enumerable.Range(1, count).Select(_ => $"burst-{Guid.NewGuid():N}").ToList();
        foreach (var reference in refs)
        {
            await client.SendTextAsync(JsonSerializer.Serialize(new { type = "send", @ref = reference, room, clientMsgId = reference, text = reference }));
        }
        var seqs = new long[count];
        for (var i = 0; i < count; i++)
        {
            var reference = refs[i];
            var reply = await client.WaitForAsync(f => f.TryGetProperty("ref", out var r) && r.GetString() == reference);
            seqs[i] = ChatTestClient.Ok(reply).GetProperty("seq").GetInt64();
        }
        return seqs;
    }

    public static async Task<JsonElement> HistoryAsync(this ChatTestClient client, string room, long before = long.MaxValue, int? limit = null) =>
        ChatTestClient.Ok(await client.RequestAsync("history", new { room, before, limit }));

    /// <summary>The seqs of the room's events this client received, in arrival order.</summary>
    public static List<long> Seqs(this ChatTestClient client, string room) =>
        client.Events(room).Select(e => e.GetProperty("seq").GetInt64()).ToList();

    /// <summary>A second (third, …) connection of the same user, greeted, resuming where asked.</summary>
    public static async Task<ChatTestClient> ConnectAgainAsync(this ChatSystem system, ChatTestClient user, object? resume = null)
    {
        var client = await ChatTestClient.ConnectAsync(system.SocketUri, user.User, user.Token);
        await client.HelloAsync(resume);
        return client;
    }

    /// <summary>Asserts that an answer is an error frame with this code, and returns it.</summary>
    public static JsonElement AssertError(JsonElement answer, string code)
    {
        Assert.Equal("error", answer.GetProperty("type").GetString());
        Assert.Equal(code, answer.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(answer.GetProperty("message").GetString()));
        return answer;
    }

    /// <summary>Waits for an error frame without a ref: the answer to a frame whose ref could not be read.</summary>
    public static Task<JsonElement> WaitForUnreferencedErrorAsync(this ChatTestClient client) =>
        client.WaitForAsync(f => f.GetProperty("type").GetString() == "error" && !f.TryGetProperty("ref", out _));

    /// <summary>The socket still answers: a ping with a ref gets its reply.</summary>
    public static async Task AssertStillUsableAsync(this ChatTestClient client) =>
        ChatTestClient.Ok(await client.RequestAsync("ping"));

    /// <summary>Waits until the server closed the socket and returns the status it gave.</summary>
    public static async Task<System.Net.WebSockets.WebSocketCloseStatus?> ClosedWithAsync(this ChatTestClient client)
    {
        await client.Closed.WaitAsync(ChatTestClient.DefaultWait);
        return client.CloseStatus;
    }


    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>Asserts an RFC 7807 problem with the contract's code, and returns its body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }
}
