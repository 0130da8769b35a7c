using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using ChatApp.Errors;
using ChatApp.Gateway.Accounts;
using ChatApp.Gateway.Api;
using ChatApp.Gateway.Cluster;
using ChatApp.Gateway.Contract;
using ChatApp.Gateway.Limits;
using ChatApp.Gateway.Observability;
using ChatApp.Gateway.Protocol;
using ChatApp.Rooms;
using Microsoft.Extensions.Options;

namespace ChatApp.Gateway.Sockets;

/// <summary>
/// The reading side of one socket: it waits for <c>hello</c>, then answers each frame in the
/// order it came. Frames are handled one at a time, so one client's sends are stored in the
/// order it sent them. A bad frame costs an error frame, never the connection.
/// </summary>
public sealed partial class SocketReader(
    ConnectionHub hub,
    SocketIndex sockets,
    JoinGuard joins,
    HelloGate gate,
    IClusterClient cluster,
    SharedGapReads gapReads,
    TokenService tokens,
    AbuseLimits limits,
    IOptions<ChatSocketOptions> options,
    GatewayMetrics metrics,
    ILogger<SocketReader> logger)
{
    private readonly ChatSocketOptions _options = options.Value;

    public async Task RunAsync(WebSocket socket, CancellationToken stopping)
    {
        var connection = new ChatConnection(socket, cluster, gapReads, _options.SendQueueLimit, metrics, logger);
        // Every line logged for this socket, by any logger, carries its id (and its user once known).
        using var connectionScope = ConnectionScope(logger, connection.Id);
        metrics.ConnectionOpened();
        var writer = connection.RunWriterAsync();
        var registered = false;
        try
        {
            registered = await HelloAsync(connection, socket);
            if (registered)
            {
                using var userScope = UserScope(logger, connection.User!);
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
                LogDisconnected(logger, connection.Id, connection.User!);
            }
        }
    }

    /// <summary>The first frame must be a valid hello, in time; anything else closes with 1008.</summary>
    private async Task<bool> HelloAsync(ChatConnection connection, WebSocket socket)
    {
        // The timeout stops the wait, not the receive: cancelling a pending receive aborts the socket,
        // and the client would never read why. The close handshake, or its deadline, ends the receive.
        var receive = ReceiveFrameAsync(connection, socket, connection.ReceiveDeadline);
        ReadOnlyMemory<byte>? first;
        try
        {
            first = await receive.WaitAsync(_options.HelloTimeout);
        }
        catch (TimeoutException)
        {
            await RefuseAsync(connection, null, "No hello within the time allowed.");
            await ForgetAsync(receive);
            return false;
        }
        if (first is not { } bytes)
        {
            return false;
        }

        string? reference = null;
        try
        {
            var frame = ClientFrame.Parse(bytes, out reference);
            if (frame.Type != "hello")
            {
                await RefuseAsync(connection, reference, "The first frame must be hello.");
                return false;
            }
            // A revoked token passes this, and is refused by the user's session in hub.AddAsync below.
            var token = await tokens.ValidateSignature(frame.Has("token") ? frame.String("token") : null);
            if (token is null)
            {
                await RefuseAsync(connection, reference, "The token is missing, invalid or expired.");
                return false;
            }
            var user = token.User;
            if (sockets.CountOf(user.Name) >= limits.Options.ConnectionsPerUser)
            {
                metrics.RateLimited("connections");
                await connection.CloseAsync(CloseCodes.TryAgainLater, "too many connections",
                    ServerFrames.Error(reference, ErrorCodes.RateLimited, "Too many connections for this user.", retryAfterMs: 1000));
                return false;
            }
            connection.User = user.Name;
            connection.TokenVersion = token.Version;
            var resume = ReadResume(frame);
            if (resume.Count > 0)
            {
                metrics.Resumed();
            }
            IReadOnlyList<RoomSummary> summaries;
            using (var slot = await gate.EnterAsync(connection.Closing))
            {
                if (slot is null)
                {
                    throw new TimeoutException("No hello slot came free in time.");
                }
                var rooms = await hub.AddAsync(connection);
                summaries = await RoomsApi.Summaries(cluster, user.Name, rooms);
            }
            if (reference is not null)
            {
                connection.Send(ServerFrames.Reply(reference, new { user, sessionId = connection.Id, rooms = summaries }));
            }
            foreach (var summary in summaries)
            {
                // Resumed rooms replay from the client's seq; the others start at the end it was just told.
                var from = resume.TryGetValue(summary.Id, out var seq) ? Math.Min(seq, summary.LastSeq) : summary.LastSeq;
                await hub.FollowAsync(connection, summary.Id, from);
            }
            LogConnected(logger, connection.Id, user.Name, summaries.Count);
            return true;
        }
        catch (ChatException ex) when (ex.Code != ErrorCodes.Unavailable)
        {
            Forget(connection);
            await RefuseAsync(connection, reference, ex.Code == ErrorCodes.BadRequest ? ex.Message : "hello failed: " + ex.Message);
            return false;
        }
        catch (Exception ex) when (ex is not (WebSocketException or OperationCanceledException or ObjectDisposedException))
        {
            // The database or the cluster is out of reach (a restart, a failover): not the client's fault,
            // so not 1008 but 1013 with `unavailable`, and the client says hello again shortly.
            Forget(connection);
            LogHelloFailed(logger, ex, connection.Id);
            await connection.CloseAsync(CloseCodes.TryAgainLater, "unavailable",
                ServerFrames.Error(reference, ErrorCodes.Unavailable, "The chat service is unavailable; retry shortly."));
            return false;
        }
    }

    /// <summary>A hello that failed after the socket was added to the hub must not leave it there.</summary>
    private void Forget(ChatConnection connection)
    {
        if (connection.User is not null)
        {
            hub.Remove(connection);
        }
    }

    /// <summary>The error goes out with the close itself: queued, it would be dropped by the close.</summary>
    private static Task RefuseAsync(ChatConnection connection, string? reference, string message) =>
        connection.CloseAsync(CloseCodes.Unauthorized, "unauthorized", ServerFrames.Error(reference, ErrorCodes.Unauthorized, message));

    /// <summary>Waits out a receive whose result no longer matters, so that its failure is observed.</summary>
    private static async Task ForgetAsync(Task<ReadOnlyMemory<byte>?> receive)
    {
        try
        {
            await receive;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The socket is closing anyway.
        }
    }

    private static Dictionary<string, long> ReadResume(ClientFrame hello)
    {
        var resume = new Dictionary<string, long>(StringComparer.Ordinal);
        if (hello.Object("resume") is not { } map)
        {
            return resume;
        }
        foreach (var entry in map.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt64(out var seq) || seq < 0)
            {
                throw ClientFrame.BadRequest("resume maps room ids to non-negative seqs.");
            }
            resume[entry.Name] = seq;
        }
        return resume;
    }

    private async Task ReadFramesAsync(ChatConnection connection, WebSocket socket)
    {
        // Not cancelled by shutdown itself: shutdown closes with 1001 and the client's answer ends this loop.
        while (await ReceiveFrameAsync(connection, socket, connection.ReceiveDeadline) is { } bytes)
        {
            string? reference = null;
            try
            {
                var frame = ClientFrame.Parse(bytes, out reference);
                limits.TakeFrame(connection.Id);
                var data = await FrameHandlers.HandleAsync(frame, connection, hub, joins, cluster, limits);
                if (reference is not null)
                {
                    connection.Send(ServerFrames.Reply(reference, data));
                }
            }
            catch (Exception ex) when (ex is not (WebSocketException or OperationCanceledException))
            {
                var error = ChatProblems.ToChatException(ex);
                if (error.Code == ErrorCodes.Unavailable && ex is not ChatException)
                {
                    LogFrameFailed(logger, ex, connection.Id);
                }
                connection.Send(ServerFrames.Error(reference, error.Code, error.Message, error.RetryAfterMs));
            }
        }
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ConnectionId} of {User} closed")]
    private static partial void LogDisconnected(ILogger logger, string connectionId, string user);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ConnectionId} is {User}, following {RoomCount} rooms")]
    private static partial void LogConnected(ILogger logger, string connectionId, string user, int roomCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The hello of connection {ConnectionId} failed on the cluster or the database")]
    private static partial void LogHelloFailed(ILogger logger, Exception ex, string connectionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A frame on connection {ConnectionId} failed on the cluster")]
    private static partial void LogFrameFailed(ILogger logger, Exception ex, string connectionId);
}
