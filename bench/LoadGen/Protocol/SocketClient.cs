using System.Diagnostics;
using System.Net.WebSockets;

namespace ChatApp.Bench.LoadGen.Protocol;

/// <summary>
/// What the bench's clients over a plain WebSocket share, whatever they speak on it: one writer
/// at a time on the socket, requests that wait for the answer completed under their key (timed
/// from the moment their frame goes out), a read loop that fails whatever still waits when the
/// socket ends, and a polite close.
/// </summary>
public abstract class SocketClient<TKey>(ClientWebSocket socket, int index, string user) : ChatClient(index, user)
    where TKey : notnull
{
    private readonly SemaphoreSlim _sendTurn = new(1, 1);
    private readonly Dictionary<TKey, Pending> _pending = [];

    protected ClientWebSocket Socket { get; } = socket;

    /// <summary>Guards the waiting requests, and whatever else a client's read loop shares with its callers.</summary>
    protected Lock Gate { get; } = new();

    /// <summary>The read loop, from <see cref="StartReading"/> until the socket ends.</summary>
    public Task Reader { get; private set; } = Task.CompletedTask;

    public override bool IsOpen => Socket.State == WebSocketState.Open;
    public override WebSocketCloseStatus? CloseStatus => Socket.CloseStatus;

    /// <summary>What the protocol says before closing the socket, if anything.</summary>
    protected virtual ReadOnlyMemory<byte> Farewell => ReadOnlyMemory<byte>.Empty;

    /// <summary>Reads frames until the server closes; the socket's end is handled by the caller.</summary>
    protected abstract Task ReadFramesAsync();

    /// <summary>A join (a request sent with a room) was answered ok, just before its caller hears so.</summary>
    protected virtual void Joined(string room, Reply reply)
    {
    }

    protected void StartReading() => Reader = Task.Run(ReadLoopAsync, CancellationToken.None);

    /// <summary>Sends <paramref name="frame"/> and waits for the answer that completes <paramref name="key"/>.</summary>
    protected async Task<Reply> RequestAsync(TKey key, ReadOnlyMemory<byte> frame, string? joinRoom = null)
    {
        var pending = new Pending(joinRoom);
        lock (Gate)
        {
            _pending[key] = pending;
        }
        await _sendTurn.WaitAsync();
        try
        {
            pending.SentAt = Stopwatch.GetTimestamp();
            await Socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            lock (Gate)
            {
                _pending.Remove(key);
            }
            return Reply.Failed("socket", ex.Message, pending.SentAt);
        }
        finally
        {
            _sendTurn.Release();
        }
        return await pending.Completion.Task;
    }

    /// <summary>Sends a frame nothing waits an answer for; false when the socket could not take it.</summary>
    protected async Task<bool> TrySendAsync(ReadOnlyMemory<byte> frame)
    {
        await _sendTurn.WaitAsync();
        try
        {
            await Socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            return true;
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            return false;
        }
        finally
        {
            _sendTurn.Release();
        }
    }

    /// <summary>Hands <paramref name="reply"/> to the request waiting under <paramref name="key"/>; false when none was.</summary>
    protected bool Complete(TKey key, Reply reply)
    {
        Pending? pending;
        lock (Gate)
        {
            _pending.Remove(key, out pending);
        }
        if (pending is null)
        {
            return false;
        }
        if (pending.JoinRoom is { } room && reply.Ok)
        {
            Joined(room, reply);
        }
        return pending.Completion.TrySetResult(reply with { SentAt = pending.SentAt });
    }

    /// <summary>Sends the farewell and a close, and waits briefly for the server's; a client that cannot is aborted.</summary>
    public override async Task CloseAsync(TimeSpan wait)
    {
        try
        {
            using var timeout = new CancellationTokenSource(wait);
            if (Socket.State == WebSocketState.Open)
            {
                await _sendTurn.WaitAsync(timeout.Token);
                try
                {
                    if (!Farewell.IsEmpty)
                    {
                        await Socket.SendAsync(Farewell, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
                    }
                    await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bench done", timeout.Token);
                }
                finally
                {
                    _sendTurn.Release();
                }
            }
            await Reader.WaitAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or TimeoutException or ObjectDisposedException)
        {
            // Cut off below.
        }
        Socket.Abort();
        Socket.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            await ReadFramesAsync();
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Closed or aborted.
        }
        finally
        {
            FailPending();
        }
    }

    private void FailPending()
    {
        Pending[] left;
        lock (Gate)
        {
            left = [.. _pending.Values];
            _pending.Clear();
        }
        foreach (var p in left)
        {
            p.Completion.TrySetResult(Reply.Failed("closed", $"socket closed ({Socket.CloseStatus})", p.SentAt));
        }
    }

    private sealed class Pending(string? joinRoom)
    {
        public string? JoinRoom { get; } = joinRoom;
        public long SentAt { get; set; }
        public TaskCompletionSource<Reply> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
