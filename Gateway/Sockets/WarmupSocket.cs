using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;

namespace ChatApp.Gateway.Sockets;

/// <summary>
/// The client end of one warm-up socket: it writes a frame with a ref and reads until the answer to
/// that ref, passing over the events and presence frames of its rooms, as a page would take them.
/// </summary>
internal sealed class WarmupSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly ArrayBufferWriter<byte> _received = new(4096);
    private int _lastRef;

    private WarmupSocket()
    {
        // The gateway talks to itself: a certificate of its own (https only) proves nothing here.
        _socket.Options.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
    }

    public static async Task<WarmupSocket> ConnectAsync(Uri uri, string key, CancellationToken cancellationToken)
    {
        var socket = new WarmupSocket();
        socket._socket.Options.SetRequestHeader(SocketWarmup.KeyHeader, key);
        try
        {
            await socket._socket.ConnectAsync(uri, cancellationToken);
            return socket;
        }
        catch
        {
            await socket.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends a frame of <paramref name="type"/> and returns its reply's data; an error frame throws.</summary>
    public async Task<JsonElement> AskAsync(string type, IReadOnlyDictionary<string, object?> fields, CancellationToken cancellationToken)
    {
        var reference = (++_lastRef).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var frame = new Dictionary<string, object?>(fields) { ["type"] = type, ["ref"] = reference };
        await _socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(frame), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        while (true)
        {
            using var answer = await ReceiveAsync(cancellationToken);
            var root = answer.RootElement;
            if (!root.TryGetProperty("ref", out var got) || got.GetString() != reference)
            {
                continue;
            }
            if (root.GetProperty("type").GetString() == "reply")
            {
                return root.TryGetProperty("data", out var data) ? data.Clone() : default;
            }
            throw new WarmupRefusedException(type, root.TryGetProperty("code", out var code) ? code.GetString() : null,
                root.TryGetProperty("message", out var message) ? message.GetString() : null);
        }
    }

    private async Task<JsonDocument> ReceiveAsync(CancellationToken cancellationToken)
    {
        _received.ResetWrittenCount();
        while (true)
        {
            var result = await _socket.ReceiveAsync(_received.GetMemory(4096), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, $"The gateway closed the warm-up socket ({_socket.CloseStatus}: {_socket.CloseStatusDescription}).");
            }
            _received.Advance(result.Count);
            if (result.EndOfMessage)
            {
                return JsonDocument.Parse(_received.WrittenMemory);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "warmed up", timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // Closing a warm-up socket that is already gone: nothing left to tell.
        }
        _socket.Dispose();
    }
}

/// <summary>The gateway answered a warm-up frame with an error.</summary>
internal sealed class WarmupRefusedException(string frame, string? code, string? message)
    : Exception($"The warm-up's {frame} was refused: {code} {message}")
{
    /// <summary>The error frame's code (ErrorCodes).</summary>
    public string? Code { get; } = code;
}
