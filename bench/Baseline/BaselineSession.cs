using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;

namespace ChatApp.Bench.Baseline;

/// <summary>
/// The reading side of one socket: frames are answered one at a time, in order, as ChatApp does.
/// hello accepts any token as the user name; join, send and ping work on in-memory rooms.
/// </summary>
public sealed class BaselineSession(RoomTable rooms)
{
    private const int QueueLimit = 1024;

    public static async Task AcceptAsync(HttpContext http, BaselineSession session, IHostApplicationLifetime lifetime)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        await session.RunAsync(socket, lifetime.ApplicationStopping);
    }

    private async Task RunAsync(WebSocket socket, CancellationToken stopping)
    {
        var connection = new BaselineSocket(socket, QueueLimit);
        using var writerStop = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var writer = connection.RunWriterAsync(writerStop.Token);
        var joined = new List<RoomTable.Room>();
        var buffer = new ArrayBufferWriter<byte>(1024);
        try
        {
            while (true)
            {
                buffer.Clear();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.GetMemory(4096), stopping);
                    buffer.Advance(result.Count);
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                Handle(buffer.WrittenMemory, connection, joined);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The client went away.
        }
        finally
        {
            foreach (var room in joined)
            {
                room.Leave(connection);
            }
            connection.Complete();
            await writer;
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
                }
                catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
                {
                    // Already gone.
                }
            }
        }
    }

    private void Handle(ReadOnlyMemory<byte> bytes, BaselineSocket connection, List<RoomTable.Room> joined)
    {
        string? reference = null;
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            var root = doc.RootElement;
            reference = root.TryGetProperty("ref", out var r) ? r.GetString() : null;
            var type = root.GetProperty("type").GetString();
            if (connection.User is null && type != "hello")
            {
                connection.Enqueue(Frames.Error(reference, "unauthorized", "hello first"));
                return;
            }
            switch (type)
            {
                case "hello":
                    connection.User = root.GetProperty("token").GetString();
                    Reply(connection, reference, w =>
                    {
                        w.WriteStartObject("user");
                        w.WriteNumber("id", 0);
                        w.WriteString("name", connection.User);
                        w.WriteEndObject();
                        w.WriteString("sessionId", Guid.NewGuid().ToString("N"));
                        w.WriteStartArray("rooms");
                        w.WriteEndArray();
                    });
                    break;
                case "join":
                    var room = rooms.Get(root.GetProperty("room").GetString()!);
                    var lastSeq = room.Join(connection, connection.User!);
                    if (!joined.Contains(room))
                    {
                        joined.Add(room);
                    }
                    Reply(connection, reference, w =>
                    {
                        w.WriteStartObject("room");
                        w.WriteString("id", room.Id);
                        w.WriteString("topic", "");
                        w.WriteString("visibility", "public");
                        w.WriteNumber("memberCount", room.MemberCount);
                        w.WriteNumber("lastSeq", lastSeq);
                        w.WriteNumber("unread", 0);
                        w.WriteEndObject();
                        w.WriteStartArray("messages");
                        w.WriteEndArray();
                        w.WriteNumber("lastSeq", lastSeq);
                    });
                    break;
                case "send":
                    var seq = rooms.Get(root.GetProperty("room").GetString()!).Send(
                        connection.User!, root.GetProperty("clientMsgId").GetString()!, root.GetProperty("text").GetString()!);
                    Reply(connection, reference, w =>
                    {
                        w.WriteNumber("seq", seq);
                        w.WriteString("ts", Frames.Now());
                    });
                    break;
                case "ping":
                    Reply(connection, reference, _ => { });
                    break;
                default:
                    connection.Enqueue(Frames.Error(reference, "bad_request", "unsupported frame type"));
                    break;
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            connection.Enqueue(Frames.Error(reference, "bad_request", "bad frame"));
        }
    }

    private static void Reply(BaselineSocket connection, string? reference, Action<Utf8JsonWriter> data)
    {
        if (reference is not null)
        {
            connection.Enqueue(Frames.Reply(reference, data));
        }
    }
}
