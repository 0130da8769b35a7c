using System.Net.WebSockets;

namespace ChatApp.Bench.LoadGen.Protocol;

/// <summary>
/// One connected, authenticated user of a system under test, whatever its protocol: ChatApp's
/// (and the baseline's, <see cref="BenchClient"/>), SignalR's (<see cref="SignalRClient"/>) or
/// XMPP's (<see cref="XmppClient"/>). The scenarios speak only this: join a room, send a message
/// and wait for its acknowledgement, ping, close; what each system's acknowledgement means is in
/// bench/README.md. Received messages go to the <see cref="IMessageSink"/> the client was opened with.
/// </summary>
public abstract class ChatClient(int index, string user)
{
    public int Index { get; } = index;
    public string User { get; } = user;

    /// <summary>Events whose seq was at or below one already seen: duplicates (ChatApp's protocol only).</summary>
    public long Duplicates;
    /// <summary>Messages that came after a later one: of the room (seq), or of the same sender (peers without a seq).</summary>
    public long OutOfOrder;
    /// <summary>Times an event skipped past missing seqs (ChatApp's protocol only).</summary>
    public long Gaps;
    public long Resyncs;
    /// <summary>Room events (messages, joins, presence in a room) read.</summary>
    public long Events;
    /// <summary>Error frames nothing waited for.</summary>
    public long StrayErrors;

    public abstract bool IsOpen { get; }
    public abstract WebSocketCloseStatus? CloseStatus { get; }

    /// <summary>Seqs skipped by gaps and never filled, over all rooms (ChatApp's protocol only).</summary>
    public virtual long Unfilled => 0;

    public abstract Task<Reply> JoinAsync(string room);

    /// <summary>Sends a message; the reply is the system's acknowledgement (its Value: ChatApp's seq, the row id, …).</summary>
    public abstract Task<Reply> SendAsync(string room, string clientMsgId, string text);

    public abstract Task<Reply> PingAsync();

    /// <summary>Closes politely within <paramref name="wait"/>, else aborts.</summary>
    public abstract Task CloseAsync(TimeSpan wait);
}
