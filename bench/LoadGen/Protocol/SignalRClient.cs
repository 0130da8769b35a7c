using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace ChatApp.Bench.LoadGen.Protocol;

/// <summary>
/// A user of the SignalR peer (bench/SignalRPeer) through Microsoft.AspNetCore.SignalR.Client, as
/// a .NET client would use it: WebSockets (no negotiate round trip, as the tutorial's clients may),
/// the JSON hub protocol and the client's default keep-alive. The acknowledgement of a send is the
/// hub method's return: the message's row id, after the insert committed and the broadcast was
/// written to the group's connections.
/// </summary>
public sealed class SignalRClient : ChatClient
{
    private readonly HubConnection _connection;
    private readonly IMessageSink _sink;
    private readonly SenderOrder _order = new();

    private SignalRClient(HubConnection connection, int index, string user, IMessageSink sink) : base(index, user)
    {
        _connection = connection;
        _sink = sink;
        _connection.On<string, string, string, long>("message", OnMessage);
    }

    public override bool IsOpen => _connection.State == HubConnectionState.Connected;
    public override WebSocketCloseStatus? CloseStatus => null;

    /// <summary>Connects (the socket opened from <paramref name="invoker"/>'s source address); the reply is the moment the hub accepted the connection.</summary>
    public static async Task<(ChatClient? Client, Reply Hello)> ConnectAsync(
        Uri hub, HttpMessageInvoker invoker, int index, string user, IMessageSink sink, CancellationToken cancellationToken)
    {
        var begin = Stopwatch.GetTimestamp();
        var url = new UriBuilder(hub) { Query = "user=" + Uri.EscapeDataString(user) }.Uri;
        var connection = new HubConnectionBuilder()
            .WithUrl(url, o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.WebSocketFactory = async (context, ct) =>
                {
                    var socket = new ClientWebSocket();
                    try
                    {
                        await socket.ConnectAsync(context.Uri, invoker, ct);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                    return socket;
                };
            })
            .Build();
        var client = new SignalRClient(connection, index, user, sink);
        try
        {
            await connection.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await connection.DisposeAsync();
            return (null, Reply.Failed("connect", ex.Message.Split('\n')[0], begin));
        }
        return (client, new Reply(true, null, null, 0, begin, Stopwatch.GetTimestamp()));
    }

    public override Task<Reply> JoinAsync(string room) => CallAsync(async () =>
    {
        await _connection.InvokeAsync("Join", room);
        return 0L;
    });

    public override Task<Reply> SendAsync(string room, string clientMsgId, string text) =>
        CallAsync(() => _connection.InvokeAsync<long>("Send", room, text));

    public override Task<Reply> PingAsync() => CallAsync(async () =>
    {
        await _connection.InvokeAsync<string>("Ping");
        return 0L;
    });

    public override async Task CloseAsync(TimeSpan wait)
    {
        try
        {
            using var timeout = new CancellationTokenSource(wait);
            await _connection.StopAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or InvalidOperationException)
        {
            // Disposed below either way.
        }
        await _connection.DisposeAsync();
    }

    private static async Task<Reply> CallAsync(Func<Task<long>> call)
    {
        var sentAt = Stopwatch.GetTimestamp();
        try
        {
            var value = await call();
            return new Reply(true, null, null, value, sentAt, Stopwatch.GetTimestamp());
        }
        catch (Exception ex) when (ex is HubException or InvalidOperationException or WebSocketException or TaskCanceledException or IOException)
        {
            return Reply.Failed(ex is HubException ? "hub" : "closed", ex.Message, sentAt);
        }
    }

    // The client runs one connection's handlers one after another, in the order the frames came.
    private void OnMessage(string room, string sender, string text, long id)
    {
        var receivedAt = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref Events);
        Span<byte> bytes = stackalloc byte[256];
        var length = Encoding.UTF8.GetBytes(text.AsSpan(0, Math.Min(text.Length, 64)), bytes);
        var head = bytes[..length];
        if (!_order.InOrder(room, sender, head))
        {
            Interlocked.Increment(ref OutOfOrder);
        }
        _sink.OnMessage(this, room, id, head, receivedAt);
    }
}
