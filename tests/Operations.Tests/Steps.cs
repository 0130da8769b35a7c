using System.Net.Http.Json;
using System.Text.Json;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Operations;

/// <summary>The chat steps these tests repeat.</summary>
internal static class Steps
{
    /// <summary>A room id no other test uses.</summary>
    public static string NewRoom(string prefix = "ops") => $"{prefix}-{Guid.NewGuid():N}"[..20];

    public static async Task<JsonElement> JoinAsync(this ChatTestClient client, string room) =>
        ChatTestClient.Ok(await client.RequestAsync("join", new { room }));

    /// <summary>Sends a message and returns its seq.</summary>
    public static async Task<long> SendAsync(this ChatTestClient client, string room, string text) =>
        ChatTestClient.Ok(await client.RequestAsync("send", new { room, clientMsgId = Guid.NewGuid().ToString("N"), text }))
            .GetProperty("seq").GetInt64();

    /// <summary>Registers the named user (or logs in if it exists) and returns its token.</summary>
    public static async Task<string> SignInAsync(this ChatSystem system, string name, string password)
    {
        using var http = system.Http();
        var response = await http.PostAsJsonAsync("/api/auth/register", new { username = name, password });
        if (response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            response = await http.PostAsJsonAsync("/api/auth/login", new { username = name, password });
        }
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }
}
