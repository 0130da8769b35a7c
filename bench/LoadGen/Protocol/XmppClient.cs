using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;

namespace ChatApp.Bench.LoadGen.Protocol;

/// <summary>
/// A user of the ejabberd peer over XMPP on WebSocket (RFC 7395: one stanza per WebSocket
/// message, subprotocol "xmpp"): stream open, SASL PLAIN, resource bind; a room is joined with
/// the MUC presence (no history) and the join completes at the self-presence (status 110); a
/// message is a groupchat stanza whose acknowledgement is its reflection to the sender (same
/// stanza id) — by then ejabberd's mod_mam has stored it (bench/README.md says why). The Value of
/// a send's reply is the archive id ejabberd put in the reflected stanza-id.
/// Frames are read with plain string searches: ejabberd writes them in one well-known shape.
/// </summary>
public sealed class XmppClient : SocketClient<string>
{
    public const string Domain = "bench.localhost";
    public const string MucService = "conference." + Domain;
    private const string Open = $"<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='{Domain}' version='1.0'/>";

    private static readonly byte[] Close = Encoding.UTF8.GetBytes("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");

    private readonly IMessageSink _sink;
    private readonly SenderOrder _order = new();
    private int _nextId;

    private XmppClient(ClientWebSocket socket, int index, string user, IMessageSink sink) : base(socket, index, user)
    {
        _sink = sink;
    }

    /// <summary>The end of the XMPP stream (RFC 7395), before the WebSocket's close.</summary>
    protected override ReadOnlyMemory<byte> Farewell => Close;

    /// <summary>Opens the stream and authenticates (SASL PLAIN with the user's password) and binds a resource; the reply is the bind's result.</summary>
    public static async Task<(ChatClient? Client, Reply Hello)> ConnectAsync(
        Uri uri, HttpMessageInvoker invoker, int index, string user, string password, IMessageSink sink, CancellationToken cancellationToken)
    {
        var begin = Stopwatch.GetTimestamp();
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("xmpp");
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        try
        {
            await socket.ConnectAsync(uri, invoker, cancellationToken);
            var buffer = new byte[8192];
            await WriteAsync(socket, Open, cancellationToken);
            await ReadUntilAsync(socket, buffer, f => f.Contains("features", StringComparison.Ordinal), cancellationToken);
            var plain = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"));
            await WriteAsync(socket, $"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>{plain}</auth>", cancellationToken);
            var auth = await ReadUntilAsync(socket, buffer, f => f.StartsWith("<success", StringComparison.Ordinal) || f.StartsWith("<failure", StringComparison.Ordinal), cancellationToken);
            if (!auth.StartsWith("<success", StringComparison.Ordinal))
            {
                socket.Abort();
                socket.Dispose();
                return (null, Reply.Failed("auth", auth, begin));
            }
            await WriteAsync(socket, Open, cancellationToken);
            await ReadUntilAsync(socket, buffer, f => f.Contains("features", StringComparison.Ordinal), cancellationToken);
            await WriteAsync(socket, "<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>bench</resource></bind></iq>", cancellationToken);
            var bound = await ReadUntilAsync(socket, buffer, f => f.StartsWith("<iq", StringComparison.Ordinal) && Attribute(f, "id") == "bind", cancellationToken);
            if (Attribute(bound, "type") != "result")
            {
                socket.Abort();
                socket.Dispose();
                return (null, Reply.Failed("bind", bound, begin));
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var client = new XmppClient(socket, index, user, sink);
        client.StartReading();
        return (client, new Reply(true, null, null, 0, begin, Stopwatch.GetTimestamp()));
    }

    /// <summary>Enters the room under the user's name as nick, asking for no history; done at the self-presence.</summary>
    public override Task<Reply> JoinAsync(string room) =>
        RequestAsync("join:" + room, $"<presence to='{room}@{MucService}/{User}'><x xmlns='http://jabber.org/protocol/muc'><history maxstanzas='0'/></x></presence>");

    public override Task<Reply> SendAsync(string room, string clientMsgId, string text) =>
        RequestAsync(clientMsgId, $"<message to='{room}@{MucService}' type='groupchat' id='{clientMsgId}'><body>{text}</body></message>");

    /// <summary>XEP-0199 ping of the server.</summary>
    public override Task<Reply> PingAsync()
    {
        var id = "p" + Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);
        return RequestAsync(id, $"<iq type='get' id='{id}' to='{Domain}'><ping xmlns='urn:xmpp:ping'/></iq>");
    }

    private Task<Reply> RequestAsync(string key, string stanza) => RequestAsync(key, Encoding.UTF8.GetBytes(stanza));

    protected override async Task ReadFramesAsync()
    {
        var buffer = new byte[8192];
        while (await ReadFrameAsync(Socket, buffer, CancellationToken.None) is ({ } frame, var receivedAt))
        {
            Handle(frame, receivedAt);
        }
    }

    private void Handle(string frame, long receivedAt)
    {
        var isError = Attribute(frame, "type") == "error";
        if (frame.StartsWith("<message", StringComparison.Ordinal))
        {
            var id = Attribute(frame, "id");
            if (isError)
            {
                Fail(id, frame, receivedAt);
                return;
            }
            var from = Attribute(frame, "from") ?? "";
            var body = Between(frame, "<body>", "</body>");
            var slash = from.IndexOf('/', StringComparison.Ordinal);
            var at = from.IndexOf('@', StringComparison.Ordinal);
            if (body is null || slash < 0 || at < 0)
            {
                return; // the room's subject on joining, and other messages without a body
            }
            var room = from[..at];
            var sender = from[(slash + 1)..];
            Interlocked.Increment(ref Events);
            var text = Encoding.UTF8.GetBytes(body);
            if (!_order.InOrder(room, sender, text))
            {
                Interlocked.Increment(ref OutOfOrder);
            }
            _sink.OnMessage(this, room, -1, text, receivedAt);
            if (sender == User && id is not null)
            {
                var archived = Between(frame, "<stanza-id", "/>") is { } sid ? Attribute("<x" + sid, "id") : null;
                Complete(id, new Reply(true, null, null, archived is null ? 0 : long.Parse(archived, CultureInfo.InvariantCulture), 0, receivedAt));
            }
        }
        else if (frame.StartsWith("<presence", StringComparison.Ordinal))
        {
            var from = Attribute(frame, "from") ?? "";
            var at = from.IndexOf('@', StringComparison.Ordinal);
            var slash = from.IndexOf('/', StringComparison.Ordinal);
            if (at < 0)
            {
                return;
            }
            var key = "join:" + from[..at];
            if (isError && slash > 0 && from[(slash + 1)..] == User)
            {
                Fail(key, frame, receivedAt);
            }
            else if (frame.Contains("code='110'", StringComparison.Ordinal) || frame.Contains("code=\"110\"", StringComparison.Ordinal))
            {
                Complete(key, new Reply(true, null, null, 0, 0, receivedAt));
            }
            else
            {
                Interlocked.Increment(ref Events); // another occupant's presence: ChatApp's join events
            }
        }
        else if (frame.StartsWith("<iq", StringComparison.Ordinal) && Attribute(frame, "id") is { } iq)
        {
            if (isError)
            {
                Fail(iq, frame, receivedAt);
            }
            else
            {
                Complete(iq, new Reply(true, null, null, 0, 0, receivedAt));
            }
        }
    }

    private void Fail(string? key, string frame, long receivedAt)
    {
        if (key is null)
        {
            Interlocked.Increment(ref StrayErrors);
            return;
        }
        var condition = Between(frame, "<error", "</error>") is { } e ? e[(e.IndexOf('<', StringComparison.Ordinal) + 1)..].Split(' ', '/', '>')[0] : "error";
        if (!Complete(key, new Reply(false, condition, frame.Length > 300 ? frame[..300] : frame, 0, 0, receivedAt)))
        {
            Interlocked.Increment(ref StrayErrors);
        }
    }

    /// <summary>An attribute of the frame's first element (ejabberd quotes with ', clients may use ").</summary>
    public static string? Attribute(string frame, string name)
    {
        var end = frame.IndexOf('>', StringComparison.Ordinal);
        var head = end < 0 ? frame.AsSpan() : frame.AsSpan(0, end);
        foreach (var quote in "'\"")
        {
            var marker = $" {name}={quote}";
            var start = head.IndexOf(marker, StringComparison.Ordinal);
            if (start >= 0)
            {
                var rest = head[(start + marker.Length)..];
                var close = rest.IndexOf(quote);
                return close < 0 ? null : rest[..close].ToString();
            }
        }
        return null;
    }

    private static string? Between(string frame, string open, string close)
    {
        var start = frame.IndexOf(open, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }
        start += open.Length;
        var end = frame.IndexOf(close, start, StringComparison.Ordinal);
        return end < 0 ? null : frame[start..end];
    }

    private static Task WriteAsync(ClientWebSocket socket, string stanza, CancellationToken cancellationToken) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(stanza), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    private static async Task<string> ReadUntilAsync(ClientWebSocket socket, byte[] buffer, Func<string, bool> wanted, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (frame, _) = await ReadFrameAsync(socket, buffer, cancellationToken);
            if (frame is null)
            {
                throw new WebSocketException("closed while opening the stream");
            }
            if (wanted(frame))
            {
                return frame;
            }
        }
    }

    /// <summary>One WebSocket message, that is one stanza (RFC 7395); null when the server closed.</summary>
    private static async Task<(string? Frame, long ReceivedAt)> ReadFrameAsync(ClientWebSocket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        var length = 0;
        var data = buffer;
        ValueWebSocketReceiveResult result;
        do
        {
            if (length == data.Length)
            {
                var bigger = new byte[data.Length * 2]; // a large stanza: this read only
                data.AsSpan(0, length).CopyTo(bigger);
                data = bigger;
            }
            result = await socket.ReceiveAsync(data.AsMemory(length), cancellationToken);
            length += result.Count;
        }
        while (!result.EndOfMessage);
        if (result.MessageType == WebSocketMessageType.Close)
        {
            return (null, 0);
        }
        return (Encoding.UTF8.GetString(data.AsSpan(0, length)), Stopwatch.GetTimestamp());
    }
}
