using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace ChatApp.Bench.LoadGen.Protocol;

/// <summary>
/// One protocol client over a real WebSocket, written to be cheap: 20,000 of them share two
/// cores with the server. Frames with a ref complete the matching request; event frames are
/// checked against the contract's promise (per room, strictly increasing seq with no gaps from
/// the seq the join reply showed) and message events are handed to the sink with the moment
/// they were read; so are presence and typing frames, when the sink is an <see cref="IEphemeralSink"/>.
/// </summary>
public sealed class BenchClient : SocketClient<int>
{
    private readonly IMessageSink _sink;
    private readonly IEphemeralSink? _ephemeral;
    // Touched only by the receive loop (join replies are applied there too), so no lock.
    private readonly Dictionary<string, RoomTrack> _rooms = new(StringComparer.Ordinal);
    private int _nextRef;

    private BenchClient(ClientWebSocket socket, int index, string user, IMessageSink sink) : base(socket, index, user)
    {
        _sink = sink;
        _ephemeral = sink as IEphemeralSink;
    }

    /// <summary>Presence and typing frames read.</summary>
    public long Ephemeral;

    /// <summary>Seqs skipped by gaps and never filled, over all rooms.</summary>
    public override long Unfilled
    {
        get
        {
            lock (Gate)
            {
                return _rooms.Values.Sum(r => (long)r.Missing.Count);
            }
        }
    }

    public static async Task<BenchClient> ConnectAsync(
        Uri uri, HttpMessageInvoker invoker, int index, string user, IMessageSink sink, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        // The server pings every 30 s already; a second keep-alive would only add load.
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        try
        {
            await socket.ConnectAsync(uri, invoker, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var client = new BenchClient(socket, index, user, sink);
        client.StartReading();
        return client;
    }

    public Task<Reply> HelloAsync(string token) =>
        RequestAsync(null, w =>
        {
            w.WriteString("type", "hello");
            w.WriteString("token", token);
        });

    /// <summary>Joins; the reply's lastSeq becomes the room's starting point for the order check.</summary>
    public override Task<Reply> JoinAsync(string room) =>
        RequestAsync(room, w =>
        {
            w.WriteString("type", "join");
            w.WriteString("room", room);
        });

    public override Task<Reply> SendAsync(string room, string clientMsgId, string text) =>
        RequestAsync(null, w =>
        {
            w.WriteString("type", "send");
            w.WriteString("room", room);
            w.WriteString("clientMsgId", clientMsgId);
            w.WriteString("text", text);
        });

    /// <summary>Adds (<paramref name="add"/>) or takes back a reaction to the message <paramref name="seq"/>; the reply's value is the event's seq.</summary>
    public Task<Reply> ReactAsync(string room, long seq, string emoji, bool add) =>
        RequestAsync(null, w =>
        {
            w.WriteString("type", add ? "react" : "unreact");
            w.WriteString("room", room);
            w.WriteNumber("seq", seq);
            w.WriteString("emoji", emoji);
        });

    public override Task<Reply> PingAsync() => RequestAsync(null, w => w.WriteString("type", "ping"));

    /// <summary>
    /// A <c>typing</c> notice without a ref, as the web page sends it: the server answers only a bad
    /// one (counted in <see cref="StrayErrors"/>). False when the socket could not take it.
    /// </summary>
    public async Task<bool> TypingAsync(string room)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "typing");
            w.WriteString("room", room);
            w.WriteEndObject();
        }
        return await TrySendAsync(buffer.WrittenMemory);
    }

    private Task<Reply> RequestAsync(string? joinRoom, Action<Utf8JsonWriter> fields)
    {
        var reference = Interlocked.Increment(ref _nextRef);
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            fields(w);
            w.WriteString("ref", reference.ToString(CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }
        return RequestAsync(reference, buffer.WrittenMemory, joinRoom);
    }

    protected override async Task ReadFramesAsync()
    {
        var buffer = new byte[2048];
        while (true)
        {
            var length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                if (length == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }
                result = await Socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                length += result.Count;
            }
            while (!result.EndOfMessage);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                break;
            }
            Handle(buffer.AsSpan(0, length), Stopwatch.GetTimestamp());
            if (buffer.Length > 64 * 1024)
            {
                buffer = new byte[2048]; // a big join reply: do not keep its buffer for the socket's life
            }
        }
    }

    private void Handle(ReadOnlySpan<byte> frame, long receivedAt)
    {
        var reader = new Utf8JsonReader(frame);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }
        Kind type = Kind.Other;
        string? room = null, code = null, message = null;
        ReadOnlySpan<byte> kind = default, text = default, user = default;
        long seq = -1, value = 0, lastSeq = -1;
        var reference = -1;
        var ok = false;
        var online = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = reader.ValueTextEquals("event"u8) ? Kind.Event
                    : reader.ValueTextEquals("reply"u8) ? Kind.Reply
                    : reader.ValueTextEquals("error"u8) ? Kind.Error
                    : reader.ValueTextEquals("resync"u8) ? Kind.Resync
                    : reader.ValueTextEquals("presence"u8) ? Kind.Presence
                    : reader.ValueTextEquals("typing"u8) ? Kind.Typing
                    : Kind.Other;
            }
            else if (reader.ValueTextEquals("room"u8))
            {
                reader.Read();
                room = reader.GetString();
            }
            else if (reader.ValueTextEquals("seq"u8))
            {
                reader.Read();
                seq = reader.GetInt64();
            }
            else if (reader.ValueTextEquals("lastSeq"u8))
            {
                reader.Read();
                lastSeq = reader.GetInt64();
            }
            else if (reader.ValueTextEquals("kind"u8))
            {
                reader.Read();
                kind = reader.ValueSpan;
            }
            else if (reader.ValueTextEquals("text"u8))
            {
                reader.Read();
                text = reader.ValueSpan; // our texts have no escapes: the raw bytes are the text
            }
            else if (reader.ValueTextEquals("ref"u8))
            {
                reader.Read();
                if (Utf8Parser.TryParse(reader.ValueSpan, out int r, out _))
                {
                    reference = r;
                }
            }
            else if (reader.ValueTextEquals("user"u8))
            {
                reader.Read();
                user = reader.ValueSpan; // user names have no escapes: the raw bytes are the name
            }
            else if (reader.ValueTextEquals("online"u8))
            {
                reader.Read();
                online = reader.TokenType == JsonTokenType.True;
            }
            else if (reader.ValueTextEquals("ok"u8))
            {
                reader.Read();
                ok = reader.TokenType == JsonTokenType.True;
            }
            else if (reader.ValueTextEquals("code"u8))
            {
                reader.Read();
                code = reader.GetString();
            }
            else if (reader.ValueTextEquals("message"u8))
            {
                reader.Read();
                message = reader.GetString();
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                value = ReadDataValue(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        switch (type)
        {
            case Kind.Event when room is not null && seq >= 0:
                Interlocked.Increment(ref Events);
                OnEvent(room, seq, kind.SequenceEqual("message"u8), text, receivedAt);
                break;
            case Kind.Reply or Kind.Error when reference >= 0:
                Complete(reference, new Reply(type == Kind.Reply && ok, code, message, value, 0, receivedAt));
                break;
            case Kind.Error:
                Interlocked.Increment(ref StrayErrors);
                break;
            case Kind.Presence when room is not null:
                Interlocked.Increment(ref Ephemeral);
                _ephemeral?.OnPresence(this, room, user, online, receivedAt);
                break;
            case Kind.Typing when room is not null:
                Interlocked.Increment(ref Ephemeral);
                _ephemeral?.OnTyping(this, room, user, receivedAt);
                break;
            case Kind.Resync when room is not null:
                Interlocked.Increment(ref Resyncs);
                var track = Track(room);
                track.Last = Math.Max(track.Last, lastSeq);
                break;
        }
    }

    /// <summary>The <c>seq</c> or <c>lastSeq</c> directly inside a reply's data; nested objects are skipped.</summary>
    private static long ReadDataValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return 0;
        }
        long value = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var wanted = reader.ValueTextEquals("seq"u8) || reader.ValueTextEquals("lastSeq"u8);
            reader.Read();
            if (wanted && reader.TokenType == JsonTokenType.Number)
            {
                value = reader.GetInt64();
            }
            else
            {
                reader.Skip();
            }
        }
        return value;
    }

    protected override void Joined(string room, Reply reply)
    {
        // Events of this room read before its reply were held back; now their order can be checked.
        var track = Track(room);
        track.Last = reply.Value;
        track.Known = true;
        var early = track.Early;
        track.Early = null;
        if (early is not null)
        {
            foreach (var e in early)
            {
                OnEvent(room, e.Seq, e.Text is not null, e.Text is null ? default : Encoding.UTF8.GetBytes(e.Text), e.ReceivedAt);
            }
        }
    }

    private void OnEvent(string room, long seq, bool isMessage, ReadOnlySpan<byte> text, long receivedAt)
    {
        var track = Track(room);
        if (!track.Known)
        {
            (track.Early ??= []).Add(new EarlyEvent(seq, isMessage ? Encoding.UTF8.GetString(text) : null, receivedAt));
            return;
        }
        if (seq <= track.Last)
        {
            bool late;
            lock (Gate)
            {
                late = track.Missing.Remove(seq);
            }
            if (!late)
            {
                Interlocked.Increment(ref Duplicates);
                return;
            }
            Interlocked.Increment(ref OutOfOrder);
        }
        else
        {
            if (seq > track.Last + 1)
            {
                Interlocked.Increment(ref Gaps);
                lock (Gate)
                {
                    for (var s = track.Last + 1; s < seq && track.Missing.Count < 100_000; s++)
                    {
                        track.Missing.Add(s);
                    }
                }
            }
            track.Last = seq;
        }
        if (isMessage)
        {
            _sink.OnMessage(this, room, seq, text, receivedAt);
        }
    }

    private RoomTrack Track(string room)
    {
        if (!_rooms.TryGetValue(room, out var track))
        {
            lock (Gate)
            {
                _rooms[room] = track = new RoomTrack();
            }
        }
        return track;
    }

    private enum Kind { Other, Event, Reply, Error, Resync, Presence, Typing }

    private sealed record EarlyEvent(long Seq, string? Text, long ReceivedAt);

    private sealed class RoomTrack
    {
        public bool Known;
        public long Last;
        public List<EarlyEvent>? Early;
        public HashSet<long> Missing { get; } = [];
    }
}
