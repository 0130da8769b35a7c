using System.Buffers;
using System.Net.WebSockets;
using ChatApp.Errors;
using ChatApp.Gateway.Cluster;
using ChatApp.Gateway.Contract;
using ChatApp.Gateway.Limits;
using ChatApp.Gateway.Observability;
using ChatApp.Gateway.Protocol;
using Microsoft.Extensions.Options;

namespace ChatApp.Gateway.Sockets;

/// <summary>
/// The reading side of one socket: it opens the connection (the sending side), passes the first
/// frame to <see cref="HelloHandshake"/>, then answers each frame in the order it came. A send
/// is put in its room's queue before the next frame is read, so one client's sends are stored in
/// the order it sent them; the socket reads on while they commit (<see cref="OwedReplies"/>), and
/// every other frame waits for the sends before it. A bad frame costs an error frame, never the connection.
/// </summary>
public sealed partial class SocketReader(
    HelloHandshake hello,
    ConnectionHub hub,
    JoinGuard joins,
    RoomJoinBatcher joining,
    RoomSendBatcher sends,
    IClusterClient cluster,
    SharedGapReads gapReads,
    AbuseLimits limits,
    MalformedInput malformed,
    IOptions<ChatSocketOptions> options,
    GatewayMetrics metrics,
    ILogger<SocketReader> logger)
{
    private readonly ChatSocketOptions _options = options.Value;

    public async Task RunAsync(WebSocket socket, CancellationToken stopping)
    {
        var connection = new ChatConnection(socket, cluster, gapReads, _options.SendQueueLimit, _options.SendQueueBytes, metrics, logger);
        // Every line logged for this socket, by any logger, carries its id (and its user once known).
        using var connectionScope = ConnectionScope(logger, connection.Id);
        metrics.ConnectionOpened();
        var writer = connection.RunWriterAsync();
        var registered = false;
        try
        {
            registered = await hello.RunAsync(connection, ReceiveFrameAsync(connection, socket, connection.ReceiveDeadline));
            if (registered)
            {
                using var userScope = UserScope(logger, connection.User);
                await ReadFramesAsync(connection, socket);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the gateway is stopping: both end the connection the same way.
        }
        finally
        {
            if (registered)
            {
                hub.Remove(connection);
            }
            await connection.CloseAsync(stopping.IsCancellationRequested ? CloseCodes.GoingAway : WebSocketCloseStatus.NormalClosure, "bye");
            await writer;
            metrics.ConnectionClosed();
            if (registered)
            {
                LogDisconnected(logger, connection.Id, connection.User);
            }
        }
    }

    private async Task ReadFramesAsync(ChatConnection connection, WebSocket socket)
    {
        var replies = new OwedReplies((reference, data) => AnswerAsync(connection, reference, data));
        using var frames = limits.NewFrameBucket();
        // Not cancelled by shutdown itself: shutdown closes with 1001 and the client's answer ends this loop.
        while (await ReceiveFrameAsync(connection, socket, connection.ReceiveDeadline) is { } bytes)
        {
            string? reference = null;
            Task<object> data;
            try
            {
                var frame = ParseCounted(frames, bytes, out reference);
                if (frame.Type == "send")
                {
                    // In its room's queue, in the order sent: the socket reads on while it commits.
                    data = await FrameHandlers.AcceptSendAsync(frame, connection, hub, sends, cluster, limits);
                }
                else
                {
                    // Any other frame is handled once the sends before it are answered, as if one at a time.
                    await replies.AllAnsweredAsync();
                    data = Task.FromResult(await FrameHandlers.HandleAsync(frame, connection, hub, joins, joining, cluster, limits));
                }
            }
            catch (Exception ex) when (ex is not (WebSocketException or OperationCanceledException))
            {
                data = Task.FromException<object>(ex);
            }
            await replies.OweAsync(reference, data);
        }
        await replies.AllAnsweredAsync();
    }

    /// <summary>Writes a frame's reply, or its error: the contract's code, never the exception's details.</summary>
    private async Task AnswerAsync(ChatConnection connection, string? reference, Task<object> data)
    {
        try
        {
            var reply = await data;
            if (reference is not null)
            {
                connection.Send(ServerFrames.Reply(reference, reply));
            }
        }
        catch (Exception ex)
        {
            var error = ChatProblems.ToChatException(ex);
            if (error.Code == ErrorCodes.Unavailable && ex is not ChatException)
            {
                LogFrameFailed(logger, ex, connection.Id);
            }
            else if (error.Code == ErrorCodes.BadRequest)
            {
                malformed.Refused(connection.Id, error.Message);
            }
            connection.Send(ServerFrames.Error(reference, error.Code, error.Message, error.RetryAfterMs));
        }
    }

    /// <summary>
    /// Parses a frame after counting it against the socket's frame rate, malformed or not: a
    /// stream of garbage is limited like any other. A refused frame is still answered on its ref.
    /// </summary>
    private ClientFrame ParseCounted(TokenBucket frames, ReadOnlyMemory<byte> bytes, out string? reference)
    {
        ClientFrame? frame = null;
        ChatException? malformedFrame = null;
        // Parse sets the ref as soon as it has read it, so a frame refused later still has it.
        string? readRef = null;
        try
        {
            frame = ClientFrame.Parse(bytes, out readRef);
        }
        catch (ChatException ex)
        {
            malformedFrame = ex;
        }
        reference = readRef;
        limits.TakeFrame(frames);
        return frame ?? throw malformedFrame!;
    }

    /// <summary>
    /// One whole text frame, or null when the client closed. A frame over the limit closes the
    /// socket with 1009, as the contract says; a binary frame is refused but the socket stays.
    /// </summary>
    private async Task<ReadOnlyMemory<byte>?> ReceiveFrameAsync(ChatConnection connection, WebSocket socket, CancellationToken cancellationToken)
    {
        // Most sockets are idle most of the time: an empty read waits for the next frame without
        // holding a buffer, so that memory is spent only on frames that have arrived.
        var result = await socket.ReceiveAsync(Memory<byte>.Empty, cancellationToken);
        ArrayBufferWriter<byte>? buffer = null;
        while (true)
        {
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }
            if (result.EndOfMessage)
            {
                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    connection.Send(ServerFrames.Error(null, ErrorCodes.BadRequest, "Frames are text (JSON), not binary."));
                    malformed.Refused(connection.Id, "a binary frame");
                    buffer?.Clear();
                    result = await socket.ReceiveAsync(Memory<byte>.Empty, cancellationToken);
                    continue;
                }
                metrics.FrameIn();
                return buffer?.WrittenMemory ?? ReadOnlyMemory<byte>.Empty;
            }
            buffer ??= new ArrayBufferWriter<byte>(1024);
            result = await socket.ReceiveAsync(buffer.GetMemory(4096), cancellationToken);
            buffer.Advance(result.Count);
            if (buffer.WrittenCount > _options.MaxFrameBytes)
            {
                await connection.CloseAsync(CloseCodes.TooBig, "frame too large");
                return null;
            }
        }
    }

    private static readonly Func<ILogger, string, IDisposable?> ConnectionScope = LoggerMessage.DefineScope<string>("Connection {ConnectionId}");

    private static readonly Func<ILogger, string, IDisposable?> UserScope = LoggerMessage.DefineScope<string>("User {User}");

    // Debug, like the hello's line (HelloHandshake.LogConnected): one per socket is too many for Information.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {ConnectionId} of {User} closed")]
    private static partial void LogDisconnected(ILogger logger, string connectionId, string user);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A frame on connection {ConnectionId} failed on the cluster")]
    private static partial void LogFrameFailed(ILogger logger, Exception ex, string connectionId);
}
