using System.Net.WebSockets;
using System.Text.Json;
using ChatApp.Errors;
using ChatApp.Gateway.Accounts;
using ChatApp.Gateway.Cluster;
using ChatApp.Gateway.Limits;
using ChatApp.Gateway.Observability;
using ChatApp.Gateway.Protocol;
using ChatApp.Rooms;
using ChatApp.Users;
using Microsoft.Extensions.Options;

namespace ChatApp.Gateway.Sockets;

/// <summary>
/// A socket's first frame: it must be a valid <c>hello</c>, in time; anything else closes with
/// 1008. A good one registers the socket with the hub (the user's session refuses a revoked
/// token there), answers with the user's rooms, and makes the socket follow each of them,
/// resumed rooms from the client's seq. Hellos enter the cluster through <see cref="HelloGate"/>.
/// </summary>
public sealed partial class HelloHandshake(
    ConnectionHub hub,
    SocketIndex sockets,
    HelloGate gate,
    IClusterClient cluster,
    TokenService tokens,
    AbuseLimits limits,
    MalformedInput malformed,
    IOptions<ChatSocketOptions> options,
    GatewayMetrics metrics,
    ILogger<HelloHandshake> logger)
{
    private readonly ChatSocketOptions _options = options.Value;

    /// <summary>
    /// Waits for the socket's first frame, <paramref name="receive"/>, and answers it: true once the
    /// socket is registered with the hub and follows the user's rooms; false once it is closed.
    /// </summary>
    public async Task<bool> RunAsync(ChatConnection connection, Task<ReadOnlyMemory<byte>?> receive)
    {
        // The timeout stops the wait, not the receive: cancelling a pending receive aborts the socket,
        // and the client would never read why. The close handshake, or its deadline, ends the receive.
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
            // A revoked token, or one of a device signed out on its own, passes this and is refused by
            // the user's session in hub.AddAsync below, in the call that attaches the socket.
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
            connection.SignedInAs = user.Name;
            connection.TokenVersion = token.Version;
            connection.TokenExpires = token.Expires;
            connection.Device = token.Device;
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
                // A user in no room (every new account) has nothing to summarize: no call at all.
                summaries = rooms.Count == 0 ? [] : await cluster.RoomList().Summaries(user.Name, rooms);
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
        catch (ChatException ex) when (ex.Code == ErrorCodes.BadRequest)
        {
            // A malformed first frame is answered as malformed frames are, and closed as any first
            // frame that is not a good hello is.
            Forget(connection);
            malformed.Refused(connection.Id, ex.Message);
            await connection.CloseAsync(CloseCodes.Unauthorized, "unauthorized", ServerFrames.Error(reference, ErrorCodes.BadRequest, ex.Message));
            return false;
        }
        catch (ChatException ex) when (ex.Code != ErrorCodes.Unavailable)
        {
            Forget(connection);
            await RefuseAsync(connection, reference, "hello failed: " + ex.Message);
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
        if (connection.SignedInAs is not null)
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
            if (!RoomId.TryParse(entry.Name, out _))
            {
                throw ClientFrame.BadRequest("resume maps room ids to non-negative seqs.");
            }
            resume[entry.Name] = seq;
        }
        return resume;
    }

    // Debug, as Kestrel logs its connections: two Information lines per socket, with their scopes, were
    // a measurable share of a reconnect storm's CPU (bench/README.md, "Where the time still goes").
    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {ConnectionId} is {User}, following {RoomCount} rooms")]
    private static partial void LogConnected(ILogger logger, string connectionId, string user, int roomCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The hello of connection {ConnectionId} failed on the cluster or the database")]
    private static partial void LogHelloFailed(ILogger logger, Exception ex, string connectionId);
}
