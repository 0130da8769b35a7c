using System.Buffers.Text;
using System.Text;
using ChatApp.Bench.LoadGen.Protocol;

namespace ChatApp.Bench.LoadGen.Measure;

/// <summary>
/// The sink of the presence scenario's sockets: presence and typing frames of the bench's room
/// go to the ledger of the phase running (presence, then typing), matched by the member index in
/// the user's name (<c>{prefix}{index}</c>). Frames before a phase, about the receiver's own user,
/// or about anyone else are only counted.
/// </summary>
public sealed class EphemeralReceipts(string userPrefix, string room) : IMessageSink, IEphemeralSink
{
    public const int Offline = 0;
    public const int Online = 1;
    public const int Typed = 0;

    private readonly byte[] _prefix = Encoding.UTF8.GetBytes(userPrefix);
    private volatile NoticeLedger? _presence;
    private volatile NoticeLedger? _typing;
    private long _presenceOutside;
    private long _typingOutside;
    private long _own;
    private long _foreign;
    private long _messages;

    /// <summary>Where presence frames go from now on; null: only counted.</summary>
    public NoticeLedger? Presence
    {
        get => _presence;
        set => _presence = value;
    }

    /// <summary>Where typing frames go from now on; null: only counted.</summary>
    public NoticeLedger? Typing
    {
        get => _typing;
        set => _typing = value;
    }

    /// <summary>Presence frames about other members read while no presence ledger was set (the joins of the setup).</summary>
    public long PresenceOutside => Interlocked.Read(ref _presenceOutside);

    public long TypingOutside => Interlocked.Read(ref _typingOutside);

    /// <summary>Frames about the receiving socket's own user (a reconnect may see its own "online").</summary>
    public long Own => Interlocked.Read(ref _own);

    /// <summary>Frames of another room, or about a user not of this run.</summary>
    public long Foreign => Interlocked.Read(ref _foreign);

    /// <summary>Message events: none are sent in this scenario.</summary>
    public long Messages => Interlocked.Read(ref _messages);

    public void OnMessage(ChatClient client, string room, long seq, ReadOnlySpan<byte> text, long receivedAt) =>
        Interlocked.Increment(ref _messages);

    public void OnPresence(BenchClient client, string room, ReadOnlySpan<byte> user, bool online, long receivedAt) =>
        Route(client, room, user, online ? Online : Offline, _presence, ref _presenceOutside, receivedAt);

    public void OnTyping(BenchClient client, string room, ReadOnlySpan<byte> user, long receivedAt) =>
        Route(client, room, user, Typed, _typing, ref _typingOutside, receivedAt);

    private void Route(BenchClient client, string frameRoom, ReadOnlySpan<byte> user, int kind, NoticeLedger? ledger, ref long outside, long receivedAt)
    {
        var index = IndexOf(user);
        if (index < 0 || frameRoom != room)
        {
            Interlocked.Increment(ref _foreign);
        }
        else if (index == client.Index)
        {
            Interlocked.Increment(ref _own);
        }
        else if (ledger is null)
        {
            Interlocked.Increment(ref outside);
        }
        else
        {
            ledger.Receipt(client.Index, index, kind, receivedAt);
        }
    }

    private int IndexOf(ReadOnlySpan<byte> user) =>
        user.StartsWith(_prefix) && Utf8Parser.TryParse(user[_prefix.Length..], out int index, out var used)
            && used == user.Length - _prefix.Length ? index : -1;
}
