using System.Net.Http.Json;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Browser;

/// <summary>
/// A user who acts through the HTTP API instead of a page: the quick way to give a room a long
/// history, or a second member, before a page looks at it.
/// </summary>
public sealed class ApiUser : IDisposable
{
    private readonly HttpClient _http;

    private ApiUser(string name, HttpClient http)
    {
        Name = name;
        _http = http;
    }

    public string Name { get; }

    public static async Task<ApiUser> RegisterAsync(ChatSystem system, string prefix)
    {
        var (name, token) = await system.RegisterAsync(prefix);
        return new ApiUser(name, system.Http(token));
    }

    public async Task CreateRoomAsync(string room, string visibility = "public")
    {
        var response = await _http.PostAsJsonAsync("/api/rooms", new { id = room, visibility });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Joins a public room, without any socket: the user is a member who is not online.</summary>
    public async Task JoinAsync(string room)
    {
        var response = await _http.PostAsJsonAsync($"/api/rooms/{room}/members", new { user = Name });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Sends one message and returns its seq.</summary>
    public async Task<long> SendAsync(string room, string text)
    {
        var response = await _http.PostAsJsonAsync($"/api/rooms/{room}/messages", new { clientMsgId = Fresh.MsgId(), text });
        response.EnsureSuccessStatusCode();
        return (await response.ReadAsync<Message>()).Seq;
    }

    /// <summary>Sends a reply to the message <paramref name="replyTo"/> and returns its seq.</summary>
    public async Task<long> ReplyAsync(string room, long replyTo, string text)
    {
        var response = await _http.PostAsJsonAsync($"/api/rooms/{room}/messages", new { clientMsgId = Fresh.MsgId(), text, replyTo });
        response.EnsureSuccessStatusCode();
        return (await response.ReadAsync<Message>()).Seq;
    }

    /// <summary>Sends the texts one after another, so their seqs follow their order; returns the seqs.</summary>
    public async Task<long[]> SendAllAsync(string room, IEnumerable<string> texts)
    {
        var seqs = new List<long>();
        foreach (var text in texts)
        {
            seqs.Add(await SendAsync(room, text));
        }
        return [.. seqs];
    }

    public void Dispose() => _http.Dispose();
}
