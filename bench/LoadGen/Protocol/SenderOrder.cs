using ChatApp.Bench.LoadGen.Measure;

namespace ChatApp.Bench.LoadGen.Protocol;

/// <summary>
/// The order check for systems whose messages carry no room sequence (SignalR, XMPP): a sender's
/// messages are numbered by the bench in the order it writes them to its one connection, so every
/// member must read each sender's messages in increasing number. Counts are checked by the ledger
/// (every acknowledged message read exactly once by every member). Used by one receive loop only.
/// </summary>
public sealed class SenderOrder
{
    private readonly Dictionary<(string Room, string Sender), int> _last = [];

    /// <summary>False when this message came after a later one of the same sender in the same room.</summary>
    public bool InOrder(string room, string sender, ReadOnlySpan<byte> text)
    {
        if (!MessageLedger.TryParseId(text, out var id))
        {
            return true;
        }
        var key = (room, sender);
        if (_last.TryGetValue(key, out var last) && id < last)
        {
            return false;
        }
        _last[key] = Math.Max(id, last);
        return true; // the same number again is a duplicate: the ledger counts those
    }
}
