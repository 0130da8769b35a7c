using System.Net.WebSockets;
using System.Threading.Channels;

namespace ChatApp.Bench.Baseline;

/// <summary>
/// One socket's sending side, shaped like ChatApp's: a bounded queue drained by a single writer,
/// and a client that stops reading is cut off with 1013 instead of slowing its rooms down.
/// </summary>
public sealed class BaselineSocket(WebSocket socket, int queueLimit)
{
    private readonly Channel<byte[]> _queue = Channel.CreateBounded<byte[]>(
        new BoundedChannelOptions(queueLimit) { SingleReader = true });
    private int _closed;

    public string? User { get; set; }

    public void Enqueue(byte[] frame)
    {
        if (!_queue.Writer.TryWrite(frame) && Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _queue.Writer.TryComplete();
            _ = socket.CloseOutputAsync((WebSocketCloseStatus)1013, "send backlog exceeded", CancellationToken.None);
        }
    }

    public async Task RunWriterAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var frame in _queue.Reader.ReadAllAsync(stopping))
            {
                await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, stopping);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The socket went away; the reader notices and cleans up.
        }
    }

    public void Complete() => _queue.Writer.TryComplete();
}
