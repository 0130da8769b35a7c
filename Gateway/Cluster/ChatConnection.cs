using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Threading.Channels;
using ChatApp.Errors;
using ChatApp.Gateway.Observability;
using ChatApp.Gateway.Protocol;
using ChatApp.Rooms;
using ChatApp.Users;

namespace ChatApp.Gateway.Cluster;

/// <summary>
/// One socket's sending side. A single writer loop drains a bounded queue, and it alone keeps
/// the socket's position in each room (its cursor): an event at the cursor's next seq is sent,
/// an old one is dropped, and one past a gap is preceded by the missing events read from the
/// room's log, or by a <c>resync</c> when too many are missing. That is how a socket sees every
/// room in strict seq order with no gaps whatever the live path does.
/// </summary>
public sealed partial class ChatConnection
{
    /// <summary>
    /// How long a close waits behind a send in progress: a slow client that reads again within it
    /// gets its close frame (1013, say); one that reads nothing at all is then simply cut off.
    /// </summary>
    public static readonly TimeSpan ClosePatience = TimeSpan.FromSeconds(10);

    /// <summary>The contract's limit on replay: beyond it the client reloads through history.</summary>
    public const int MaxReplay = 500;

    private readonly WebSocket _socket;
    private readonly IClusterClient _cluster;
    private readonly SharedGapReads _gapReads;
    private readonly ILogger _logger;
    private readonly GatewayMetrics _metrics;
    private readonly Channel<Outbound> _queue;
    private readonly long _queueBytesLimit;
    // Bytes of the frames waiting in the queue: a few large frames can weigh more than many small ones.
    private long _queuedBytes;
    private readonly Dictionary<string, long> _cursors = new(StringComparer.Ordinal);
    // When (by the hub's follow clock) each room was last followed or confirmed by a join: a
    // membership re-check asked before that must not unfollow it (ConnectionHub.Membership.cs).
    private readonly ConcurrentDictionary<string, long> _followedAt = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _closing = new();
    private readonly CancellationTokenSource _receiveDeadline = new();
    // A WebSocket takes one send at a time: the writer and a close take turns through this.
    private readonly SemaphoreSlim _sendTurn = new(1, 1);
    private int _closed;

    public ChatConnection(WebSocket socket, IClusterClient cluster, SharedGapReads gapReads, int queueLimit, long queueBytesLimit, GatewayMetrics metrics, ILogger logger)
    {
        _queueBytesLimit = queueBytesLimit;
        _metrics = metrics;
        _socket = socket;
        _cluster = cluster;
        _gapReads = gapReads;
        _logger = logger;
        _queue = Channel.CreateBounded<Outbound>(new BoundedChannelOptions(queueLimit) { SingleReader = true });
    }

    public string Id { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Who the socket speaks for, set once by hello; before that, nobody.</summary>
    public UserName? SignedInAs { get; set; }

    /// <summary>The socket's user, asked for only once it said hello.</summary>
    public UserName User => SignedInAs ?? throw new InvalidOperationException("The socket has not said hello.");

    /// <summary>The credentials version of the token hello carried: revoking it closes this socket.</summary>
    public int TokenVersion { get; set; }

    /// <summary>The signed-in device the token hello carried was issued to, if any: signing that device out closes this socket.</summary>
    public Guid? Device { get; set; }

    /// <summary>When the token hello carried expires: the socket is closed at the first renewal after it.</summary>
    public DateTimeOffset TokenExpires { get; set; } = DateTimeOffset.MaxValue;

    /// <summary>
    /// Whether the token backstop (<see cref="SocketRevalidation"/>) has compared this socket's token
    /// with the tables once: from then on it needs to hear only of changes.
    /// </summary>
    public bool TokenCheckedInTables { get; set; }

    /// <summary>Records that the socket follows the room as of <paramref name="stamp"/> of the hub's follow clock.</summary>
    public void MarkFollowed(string room, long stamp) => _followedAt[room] = stamp;

    /// <summary>Forgets the room's follow stamp: the socket no longer follows it.</summary>
    public void MarkUnfollowed(string room) => _followedAt.TryRemove(room, out _);

    /// <summary>Whether the socket's following of the room predates <paramref name="stamp"/>.</summary>
    public bool FollowedBefore(string room, long stamp) => _followedAt.TryGetValue(room, out var at) && at < stamp;

    /// <summary>How many times this socket's writer went to the room log (catch-ups and gap repairs): what a join should not need.</summary>
    public int LogReads { get; private set; }

    /// <summary>Signalled when the connection is closing for any reason.</summary>
    public CancellationToken Closing => _closing.Token;

    /// <summary>Signalled a moment after a close was sent, when the reader stops waiting for the client's answer.</summary>
    public CancellationToken ReceiveDeadline => _receiveDeadline.Token;

    /// <summary>
    /// Queues without waiting. A full queue, by frame count or by bytes, means the client stopped
    /// reading: it is cut off with 1013 rather than allowed to slow down everyone who shares its rooms.
    /// </summary>
    public void Enqueue(Outbound item)
    {
        // One frame alone always fits (a history page of 200 long messages is larger than the
        // bound): the bound is on a backlog, which only a client that stopped reading builds up.
        var bytes = item.Size;
        var queued = Interlocked.Add(ref _queuedBytes, bytes);
        var fits = (queued <= _queueBytesLimit || queued == bytes) && _queue.Writer.TryWrite(item);
        if (!fits)
        {
            Interlocked.Add(ref _queuedBytes, -bytes);
        }
        if (!fits && Volatile.Read(ref _closed) == 0)
        {
            LogSlowConsumer(_logger, Id, SignedInAs?.Value);
            _metrics.SlowConsumerDisconnected();
            _ = CloseAsync(CloseCodes.TryAgainLater, "send backlog exceeded");
        }
    }

    public void Send(byte[] frame) => Enqueue(new Outbound.Frame(frame));

    /// <summary>Runs until the socket closes; every byte this connection sends leaves from here.</summary>
    public async Task RunWriterAsync()
    {
        try
        {
            await foreach (var item in _queue.Reader.ReadAllAsync(_closing.Token))
            {
                Interlocked.Add(ref _queuedBytes, -item.Size);
                switch (item)
                {
                    case Outbound.Frame f:
                        await SendAsync(f.Bytes);
                        break;
                    case Outbound.Event e:
                        await DeliverAsync(e.RoomEvent, e.Bytes);
                        break;
                    case Outbound.Follow f:
                        _cursors[f.Room] = f.AfterSeq ?? await LastSeqAsync(f.Room);
                        if (f.ReadLog)
                        {
                            await CatchUpAsync(f.Room, upTo: null);
                        }
                        break;
                    case Outbound.Unfollow u:
                        await UnfollowAsync(u);
                        break;
                    case Outbound.CatchUp c when _cursors.TryGetValue(c.Room, out var cursor) && cursor < (c.IfBefore ?? long.MaxValue):
                        if (c.IfBefore is { } due)
                        {
                            LogStalled(_logger, Id, c.Room, cursor, due);
                        }
                        await CatchUpAsync(c.Room, upTo: null);
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The socket went away; the reading side notices and cleans up.
        }
        finally
        {
            _closing.Cancel();
        }
    }

    /// <summary>
    /// The user is out of the room: the event that put them out is the last they see of it. They
    /// may no longer read the log, so nothing between is replayed; the event is sent as is.
    /// </summary>
    private async Task UnfollowAsync(Outbound.Unfollow unfollow)
    {
        if (_cursors.Remove(unfollow.Room, out var cursor) && unfollow.FinalEvent is { } last && last.Seq > cursor)
        {
            await SendAsync(ServerFrames.Event(last));
        }
    }

    private async Task DeliverAsync(RoomEvent e, byte[] bytes)
    {
        if (!_cursors.TryGetValue(e.Room, out var cursor) || e.Seq <= cursor)
        {
            return; // not following the room, or already sent: duplicates are dropped by seq
        }
        if (e.Seq > cursor + 1)
        {
            await CatchUpAsync(e.Room, upTo: e.Seq - 1);
            if (!_cursors.TryGetValue(e.Room, out cursor) || e.Seq <= cursor)
            {
                return;
            }
        }
        _cursors[e.Room] = e.Seq;
        await SendAsync(bytes);
        CountDelivered(e);
    }

    /// <summary>Sends the room's logged events after the cursor (up to a seq, or to the end), or a resync.</summary>
    private async Task CatchUpAsync(string room, long? upTo)
    {
        LogReads++;
        var cursor = _cursors[room];
        if (upTo is { } end && end - cursor > MaxReplay)
        {
            await ResyncAsync(room, end);
            return;
        }
        try
        {
            var limit = (int)(upTo - cursor ?? MaxReplay);
            var page = upTo is { } last
                ? await _gapReads.Read(room, cursor, last, () => Room(room).EventsAfter(User, cursor, limit))
                : await Room(room).EventsAfter(User, cursor, limit);
            if (upTo is null && page.HasMore)
            {
                await ResyncAsync(room, await LastSeqAsync(room));
                return;
            }
            foreach (var e in page.Events)
            {
                _cursors[room] = e.Seq;
                await SendAsync(ServerFrames.Event(e));
                CountDelivered(e);
            }
        }
        catch (ChatException ex) when (ex.Code is ErrorCodes.NotFound or ErrorCodes.Forbidden)
        {
            // No longer a member: nothing more of this room for this socket. The notice of the
            // removal, or the next membership re-check, unfollows it in the hub too.
            LogRefusedLog(_logger, Id, room, ex.Code);
            _cursors.Remove(room);
        }
        catch (Exception ex) when (ex is not (WebSocketException or OperationCanceledException))
        {
            // The log cannot be read now; the contract's answer is resync, never a silent gap.
            LogRepairFailed(_logger, ex, Id, room);
            await ResyncAsync(room, upTo ?? cursor);
        }
    }

    private async Task ResyncAsync(string room, long lastSeq)
    {
        _cursors[room] = lastSeq;
        await SendAsync(ServerFrames.Resync(room, lastSeq));
        _metrics.Resynced();
    }

    private void CountDelivered(RoomEvent e)
    {
        if (e.Kind == RoomEventKind.Message)
        {
            _metrics.MessageDelivered();
        }
    }

    private async Task<long> LastSeqAsync(string room) => (await Room(room).GetSummary(User)).LastSeq;

    private IRoomGrain Room(string room) => _cluster.GetGrain<IRoomGrain>(room);

    private async Task SendAsync(byte[] bytes)
    {
        await _sendTurn.WaitAsync(_closing.Token);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            _metrics.FrameOut();
        }
        finally
        {
            _sendTurn.Release();
        }
    }

    /// <summary>
    /// Closes once, whoever asks first; queued frames are dropped, but <paramref name="lastFrame"/>
    /// (an error saying why) is sent just before the close frame. The close waits its turn behind a
    /// send in progress, briefly: a client that reads nothing at all is simply cut off.
    /// </summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string reason, byte[]? lastFrame = null)
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1)
        {
            return;
        }
        _queue.Writer.TryComplete();
        _closing.Cancel();
        var sent = false;
        try
        {
            if (await _sendTurn.WaitAsync(ClosePatience))
            {
                if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    if (lastFrame is not null)
                    {
                        await _socket.SendAsync(lastFrame, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
                    }
                    await _socket.CloseOutputAsync(status, reason, timeout.Token);
                    sent = true;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Already gone: nothing more to tell the client.
        }
        if (sent)
        {
            _receiveDeadline.CancelAfter(TimeSpan.FromSeconds(2));
        }
        else
        {
            _receiveDeadline.Cancel();
            _socket.Abort();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {ConnectionId} of {User} cannot keep up; closing it")]
    private static partial void LogSlowConsumer(ILogger logger, string connectionId, string? user);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {ConnectionId} heard nothing of room {Room} past seq {Cursor} although the room was at {Due} a lease renewal ago; filling it from the log")]
    private static partial void LogStalled(ILogger logger, string connectionId, string room, long cursor, long due);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ConnectionId} was refused room {Room}'s log ({Code}); it shows no more of the room")]
    private static partial void LogRefusedLog(ILogger logger, string connectionId, string room, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {ConnectionId} could not repair room {Room} from the log; sending resync")]
    private static partial void LogRepairFailed(ILogger logger, Exception ex, string connectionId, string room);
}
