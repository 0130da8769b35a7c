using ChatApp.Errors;
using ChatApp.Gateway.Accounts;
using ChatApp.Gateway.Cluster;
using ChatApp.Gateway.Contract;
using ChatApp.Gateway.Limits;
using ChatApp.Rooms;
using ChatApp.Users;
using Microsoft.Extensions.Options;

namespace ChatApp.Gateway.Http;

/// <summary>
/// <c>/api/rooms/{id}/messages</c>: history pages, and sending, editing and deleting over HTTP for
/// bots and scripts: the same grain calls, and so the same rules and the same idempotency, as the
/// WebSocket frames.
/// </summary>
public static class MessagesApi
{
    public sealed record NewMessage(string? ClientMsgId, string? Text, long? ReplyTo = null, IReadOnlyList<Guid>? Attachments = null);

    public sealed record MessageEdit(string? Text);

    public static RouteGroupBuilder MapMessages(this IEndpointRouteBuilder routes)
    {
        // A message's body may be larger than other calls': 16 KiB of text, however JSON escapes it.
        var bodyBytes = routes.ServiceProvider.GetRequiredService<IOptions<LimitOptions>>().Value.MessageBodyBytes;
        var group = routes.MapGroup("/api/rooms/{id}/messages").RequireAuthorization().WithBodyLimit(bodyBytes);
        group.MapGet("/", History);
        group.MapPost("/", Send);
        group.MapPatch("/{seq:long}", Edit);
        group.MapDelete("/{seq:long}", Delete);
        return group;
    }

    private static async Task<IResult> History(string id, long? before, long? after, int? limit, HttpContext http, IClusterClient cluster, AbuseLimits limits)
    {
        limits.TakeHistoryRead(http.User().Name);
        if (limit is < 1 or > 200)
        {
            return ChatProblems.Problem(ErrorCodes.Validation, "limit is 1 to 200.");
        }
        if (before is not null && after is not null)
        {
            return ChatProblems.Problem(ErrorCodes.Validation, "Give before or after, not both.");
        }
        var page = await cluster.Room(RouteKeys.Room(id)).History(http.User().Name, before, after, limit ?? 50);
        return TypedResults.Ok(page);
    }

    private static async Task<IResult> Send(string id, NewMessage body, HttpContext http, IClusterClient cluster, RoomSendBatcher sends, AbuseLimits limits)
    {
        MessageRules.CheckClientMsgId(body.ClientMsgId);
        AttachmentRules.CheckIds(body.Attachments);
        MessageRules.CheckMessageText(body.Text, body.Attachments is { Count: > 0 });
        var user = http.User().Name;
        limits.TakeMessage(user);
        var roomId = RouteKeys.Room(id);
        // Goes with the room's other sends (sockets' and requests') waiting at this gateway.
        var sent = await sends.SendAsync(roomId, new MessageToSend(user, body.ClientMsgId!, body.Text!, body.ReplyTo, body.Attachments));
        var room = cluster.Room(roomId);
        // A message with files is read back, so that it answers with what the room says of them.
        var message = sent.Repeated || body.Attachments is { Count: > 0 }
            ? await Read(room, user, sent.Seq)
            : new ChatMessage(id, sent.Seq, user, body.Text!, sent.Ts, null, false, body.ClientMsgId, body.ReplyTo, []);
        return TypedResults.Created($"/api/rooms/{id}/messages?after={sent.Seq - 1}&limit=1", message);
    }

    private static async Task<IResult> Edit(string id, long seq, MessageEdit body, HttpContext http, IClusterClient cluster, AbuseLimits limits)
    {
        MessageRules.CheckText(body.Text);
        var user = http.User().Name;
        limits.TakeMessage(user);
        var room = cluster.Room(RouteKeys.Room(id));
        await room.Edit(user, seq, body.Text!);
        return TypedResults.Ok(await Read(room, user, seq));
    }

    private static async Task<IResult> Delete(string id, long seq, HttpContext http, IClusterClient cluster, AbuseLimits limits)
    {
        limits.TakeMessage(http.User().Name);
        await cluster.Room(RouteKeys.Room(id)).Delete(http.User().Name, seq);
        return TypedResults.NoContent();
    }

    /// <summary>A message as stored now, read back through the room so membership is checked again.</summary>
    private static async Task<ChatMessage> Read(IRoomGrain room, UserName user, long seq)
    {
        var page = await room.History(user, before: null, after: seq - 1, limit: 1);
        return page.Messages.Single(m => m.Seq == seq);
    }
}
