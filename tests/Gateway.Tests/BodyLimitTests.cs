using System.Net;
using System.Net.Http.Json;
using System.Text;
using ChatApp.Tests.Support;
using Xunit;

namespace ChatApp.Tests.Gateway;

/// <summary>
/// Each endpoint bounds its request bodies (Limits:RequestBodyBytes, 16 KiB, unless it says
/// otherwise; a message's calls, Limits:MessageBodyBytes, 128 KiB): a larger body is a 413
/// problem with the code too_large, whether its length is announced or it is streamed.
/// </summary>
public sealed class BodyLimitTests(ChatSystemFixture fixture) : IClassFixture<ChatSystemFixture>
{
    private ChatSystem System => fixture.System;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_body_over_16_KiB_on_an_ordinary_call_is_413_too_large_and_does_nothing()
    {
        var (_, token) = await System.RegisterAsync("bodies");
        using var http = System.Http(token);
        var room = Fresh.Room();
        var body = $"{{\"id\":\"{room}\",\"visibility\":\"public\",\"topic\":\"t\",\"padding\":\"{new string('p', 17 * 1024)}\"}}";

        var created = await http.PostAsync("/api/rooms", Json(body));

        await HttpSteps.AssertProblemAsync(created, HttpStatusCode.RequestEntityTooLarge, "too_large");
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/rooms/{room}")).StatusCode);
    }

    [Fact]
    public async Task A_streamed_body_with_no_length_is_cut_off_at_the_bound_with_413_too_large()
    {
        var (_, token) = await System.RegisterAsync("bodies");
        using var http = System.Http(token);
        var room = Fresh.Room();
        var body = $"{{\"id\":\"{room}\",\"visibility\":\"public\",\"topic\":\"{new string('p', 64 * 1024)}\"}}";
        using var streamed = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));
        streamed.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/rooms") { Content = streamed };
        request.Headers.TransferEncodingChunked = true;

        var created = await http.SendAsync(request);

        await HttpSteps.AssertProblemAsync(created, HttpStatusCode.RequestEntityTooLarge, "too_large");
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/rooms/{room}")).StatusCode);
    }

    /// <summary>
    /// Control characters are escaped by JSON in six bytes each: 4,000 of them are a 24 KB body,
    /// past the ordinary bound, which a message's calls accept.
    /// </summary>
    [Fact]
    public async Task A_message_body_larger_than_the_ordinary_bound_is_accepted_when_its_text_is_within_the_rules()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        using var http = System.Http(alice.Token);
        var text = new string('\u0007', 4000);

        var sent = await http.PostAsJsonAsync($"/api/rooms/{room}/messages", new { clientMsgId = "escaped", text });

        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        Assert.Equal(text, Assert.Single((await alice.HistoryAsync(room)).Messages).Text);
    }

    [Fact]
    public async Task A_message_body_over_128_KiB_is_413_too_large_and_stores_nothing()
    {
        await using var alice = await System.ConnectNewUserAsync("alice");
        var room = Fresh.Room();
        await alice.JoinAsync(room);
        using var http = System.Http(alice.Token);
        var body = $"{{\"clientMsgId\":\"big\",\"text\":\"x\",\"padding\":\"{new string('p', 129 * 1024)}\"}}";

        var sent = await http.PostAsync($"/api/rooms/{room}/messages", Json(body));

        await HttpSteps.AssertProblemAsync(sent, HttpStatusCode.RequestEntityTooLarge, "too_large");
        Assert.Empty((await alice.HistoryAsync(room)).Messages);
    }
}
