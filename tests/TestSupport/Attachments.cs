using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Xunit;

namespace ChatApp.Tests.Support;

/// <summary>What a message says of a file it carries (the contract's addition), and what an upload answers.</summary>
public sealed record Attachment(Guid Id, string Name, long Size, string ContentType, bool HasThumbnail);

/// <summary>Uploading and fetching files over the HTTP API, as the page does.</summary>
public static class AttachmentSteps
{
    /// <summary>Posts the bytes as a file of the room under the given name, with whatever Content-Type the client claims.</summary>
    public static Task<HttpResponseMessage> PostFileAsync(this HttpClient http, string room, string name, byte[] bytes, string claimedType = "application/octet-stream")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(claimedType);
        return http.PostAsync($"/api/rooms/{Uri.EscapeDataString(room)}/attachments?name={Uri.EscapeDataString(name)}", content);
    }

    /// <summary>Uploads a file and asserts it was stored: 201 with its id.</summary>
    public static async Task<Attachment> UploadAsync(this HttpClient http, string room, string name, byte[] bytes, string claimedType = "application/octet-stream")
    {
        using var response = await http.PostFileAsync(room, name, bytes, claimedType);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"upload answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<Attachment>() ?? throw new InvalidOperationException("no body");
    }

    /// <summary>Sends a message carrying the attachments over the socket, and returns its seq.</summary>
    public static async Task<long> SendWithAsync(this ChatTestClient client, string room, string text, params Guid[] attachments) =>
        (await client.RequestAsync("send", new { room, clientMsgId = Fresh.MsgId(), text, attachments })).Ok<SendReply>().Seq;
}
