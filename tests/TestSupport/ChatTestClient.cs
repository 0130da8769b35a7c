using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChatApp.Tests.Support;

/// <summary>
/// A client of docs/protocol.md over a real WebSocket, written the way a bot would be: requests
/// carry a ref and await their answer; everything the server pushes is kept in arrival order so
/// a test can wait for the frame it expects, with a deadline instead of a sleep.
/// </summary>
public sealed class ChatTestClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(15);

    private readonly ClientWebSocket _socket;
    private readonly List<JsonElement> _frames = [];
    private readonly Dictionary<string, TaskCompletionSource<JsonElement>> _pending = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _changed = new(0);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reader;
    private int _nextRef;

    private ChatTestClient(ClientWebSocket socket, string user, string token)
    {
        _socket = socket;
        User = user;
        Token = token;
        _reader = Task.Run(ReadLoopAsync);
    }

    public string User { get; }
    public string Token { get; }

    /// <summary>The close status the server sent, once it closed.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public Task Closed => _closed.Task;

    public static async Task<ChatTestClient> ConnectAsync(Uri uri, string user, string token, string? origin = null)
    {
        var socket = new ClientWebSocket();
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }
        await socket.ConnectAsync(uri, CancellationToken.None);
        return new ChatTestClient(socket, user, token);
    }

    public async Task<JsonElement> HelloAsync(object? resume = null)
    {
        var reply = await RequestAsync("hello", new { token = Token, resume });
        return Ok(reply);
    }

    /// <summary>Sends a frame with a fresh ref and returns the answer (a reply or an error frame).</summary>
    public async Task<JsonElement> RequestAsync(string type, object? fields = null)
    {
        var reference = $"r{Interlocked.Increment(ref _nextRef)}";
        var frame = fields is null ? [] : JsonSerializer.SerializeToNode(fields, JsonOptions)!.AsObject();
        frame["type"] = type;
        frame["ref"] = reference;
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _pending[reference] = answer;
        }
        await SendTextAsync(frame.ToJsonString());
        return await answer.Task.WaitAsync(DefaultWait);
    }

    /// <summary>The reply's data; fails the test with the error when the answer was one.</summary>
    public static JsonElement Ok(JsonElement answer) =>
        answer.GetProperty("type").GetString() == "reply"
            ? answer.GetProperty("data")
            : throw new InvalidOperationException("Expected a reply, got " + answer);

    public Task SendTextAsync(string text) => SendBytesAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public async Task SendBytesAsync(byte[] bytes, WebSocketMessageType type)
    {
        await _socket.SendAsync(bytes, type, endOfMessage: true, CancellationToken.None);
    }

    /// <summary>Every frame received so far, in order.</summary>
    public IReadOnlyList<JsonElement> Frames
    {
        get { lock (_gate) { return [.. _frames]; } }
    }

    /// <summary>The room's <c>event</c> frames received so far, in arrival order.</summary>
    public IReadOnlyList<JsonElement> Events(string room) =>
        Frames.Where(f => f.GetProperty("type").GetString() == "event" && f.GetProperty("room").GetString() == room).ToList();

    /// <summary>Waits until some received frame (already or later) matches, and returns it.</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? DefaultWait);
        while (true)
        {
            var found = Frames.FirstOrDefault(match);
            if (found.ValueKind != JsonValueKind.Undefined)
            {
                return found;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || _closed.Task.IsCompleted && !await _changed.WaitAsync(0))
            {
                throw new TimeoutException($"{User}: no matching frame; received {Frames.Count}: {string.Join(" ", Frames.TakeLast(5))}");
            }
            await _changed.WaitAsync(left);
        }
    }

    /// <summary>Waits for the room's event with this seq.</summary>
    public Task<JsonElement> WaitForEventAsync(string room, long seq, TimeSpan? within = null) =>
        WaitForAsync(f => f.GetProperty("type").GetString() == "event"
            && f.GetProperty("room").GetString() == room && f.GetProperty("seq").GetInt64() == seq, within);

    public async Task CloseAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            // Only the close frame: the read loop is the one receiver, and it reads the server's answer.
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        }
    }

    /// <summary>Drops the connection without a close handshake, as a crashed client or a cut cable would.</summary>
    public void Abort() => _socket.Abort();

    private async Task ReadLoopAsync()
    {
        // Grows as needed: a history page of long messages runs to megabytes.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64 * 1024);
        try
        {
            while (true)
            {
                buffer.Clear();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.GetMemory(16 * 1024), CancellationToken.None);
                    buffer.Advance(result.Count);
                }
                while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                JsonElement frame;
                try
                {
                    frame = JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
                }
                catch (JsonException ex)
                {
                    throw new InvalidDataException($"{User} got a frame that is not JSON ({result.MessageType}, {buffer.WrittenCount} bytes): {Encoding.UTF8.GetString(buffer.WrittenSpan[..Math.Min(300, buffer.WrittenCount)])}", ex);
                }
                TaskCompletionSource<JsonElement>? waiter = null;
                lock (_gate)
                {
                    _frames.Add(frame);
                    if (frame.TryGetProperty("ref", out var r) && r.ValueKind == JsonValueKind.String)
                    {
                        _pending.Remove(r.GetString()!, out waiter);
                    }
                }
                waiter?.TrySetResult(frame);
                _changed.Release();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The server or the test dropped the connection (Abort fails a pending receive as cancelled).
        }
        finally
        {
            _closed.TrySetResult();
            _changed.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await CloseAsync();
            // Give the server a moment to answer the close, so that it sees a clean goodbye.
            await _reader.WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception ex) when (ex is WebSocketException or TimeoutException)
        {
        }
        _socket.Abort();
        await _reader;
        _socket.Dispose();
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}
