using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace ChatApp.Tests.Support;

/// <summary>
/// A client of docs/protocol.md over a real WebSocket, written the way a bot would be: requests
/// carry a ref and await their answer; everything the server pushes is kept in arrival order, as
/// the typed <see cref="ServerFrame"/>s, so a test can wait for the frame it expects, with a
/// deadline instead of a sleep.
/// </summary>
public sealed class ChatTestClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(15);

    private static readonly JsonSerializerOptions WriteOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly ClientWebSocket _socket;
    private readonly List<ServerFrame> _frames = [];
    private readonly Dictionary<string, TaskCompletionSource<AnswerFrame>> _pending = [];
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

    /// <summary>Connects and says hello (with <paramref name="resume"/>, <c>{room: lastSeq}</c>, if given): a socket ready to chat.</summary>
    public static async Task<ChatTestClient> ConnectGreetedAsync(Uri uri, string user, string token, object? resume = null)
    {
        var client = await ConnectAsync(uri, user, token);
        await client.HelloAsync(resume);
        return client;
    }

    public async Task<HelloReply> HelloAsync(object? resume = null) =>
        (await RequestAsync("hello", new { token = Token, resume })).Ok<HelloReply>();

    /// <summary>Sends a frame with a fresh ref and returns its answer: a reply or an error.</summary>
    public async Task<AnswerFrame> RequestAsync(string type, object? fields = null)
    {
        var reference = $"r{Interlocked.Increment(ref _nextRef)}";
        var answer = new TaskCompletionSource<AnswerFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _pending[reference] = answer;
        }
        await SendFrameAsync(type, reference, fields);
        return await answer.Task.WaitAsync(DefaultWait);
    }

    /// <summary>Writes a frame of <paramref name="type"/> with these fields and ref (none: no answer unless it is bad), without waiting.</summary>
    public Task SendFrameAsync(string type, string? reference, object? fields = null)
    {
        var frame = fields is null ? [] : JsonSerializer.SerializeToNode(fields, WriteOptions)!.AsObject();
        frame["type"] = type;
        if (reference is not null)
        {
            frame["ref"] = reference;
        }
        return SendTextAsync(frame.ToJsonString());
    }

    public Task SendTextAsync(string text) => SendBytesAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public async Task SendBytesAsync(byte[] bytes, WebSocketMessageType type)
    {
        await _socket.SendAsync(bytes, type, endOfMessage: true, CancellationToken.None);
    }

    /// <summary>Every frame received so far, in order.</summary>
    public IReadOnlyList<ServerFrame> Frames
    {
        get { lock (_gate) { return [.. _frames]; } }
    }

    /// <summary>The room's <c>event</c> frames received so far, in arrival order.</summary>
    public IReadOnlyList<EventFrame> Events(string room) => [.. Frames.OfType<EventFrame>().Where(e => e.Room == room)];

    /// <summary>Waits until some received frame (already or later) matches, and returns it.</summary>
    public async Task<ServerFrame> WaitForAsync(Func<ServerFrame, bool> match, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? DefaultWait);
        while (true)
        {
            if (Frames.FirstOrDefault(match) is { } found)
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

    /// <summary>Waits until a frame of type <typeparamref name="T"/> (that matches, if a match is given) was received, and returns it.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool>? match = null, TimeSpan? within = null) where T : ServerFrame =>
        (T)await WaitForAsync(f => f is T frame && (match?.Invoke(frame) ?? true), within);

    /// <summary>Waits for the room's event with this seq.</summary>
    public Task<EventFrame> WaitForEventAsync(string room, long seq, TimeSpan? within = null) =>
        WaitForAsync<EventFrame>(e => e.Room == room && e.Seq == seq, within);

    /// <summary>Waits for the answer to the frame that carried <paramref name="reference"/>.</summary>
    public Task<AnswerFrame> WaitForAnswerAsync(string reference, TimeSpan? within = null) =>
        WaitForAsync<AnswerFrame>(a => a.Ref == reference, within);

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
                ServerFrame frame;
                try
                {
                    frame = ServerFrame.Parse(buffer.WrittenMemory);
                }
                catch (JsonException ex)
                {
                    throw new InvalidDataException($"{User} got a frame that is not the contract's JSON ({result.MessageType}, {buffer.WrittenCount} bytes): {Encoding.UTF8.GetString(buffer.WrittenSpan[..Math.Min(300, buffer.WrittenCount)])}", ex);
                }
                TaskCompletionSource<AnswerFrame>? waiter = null;
                lock (_gate)
                {
                    _frames.Add(frame);
                    if (frame is AnswerFrame { Ref: { } reference })
                    {
                        _pending.Remove(reference, out waiter);
                    }
                }
                waiter?.TrySetResult((AnswerFrame)frame);
                _changed.Release();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The server or the test dropped the connection. Abort fails a pending receive as cancelled,
            // and disposes the socket, so a receive begun just after it meets a disposed object.
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
}
