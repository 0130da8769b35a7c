namespace ChatApp.Rooms;

/// <summary>
/// The newest messages of a room as its history shows them (tombstones and edits applied), kept by
/// the room grain: it alone writes the room's messages, so it can keep them current, and a join
/// then shows the room's latest page without reading it from PostgreSQL. Filled on first use.
/// </summary>
public sealed class RecentMessages(int capacity)
{
    // Ascending seq; never more than the capacity.
    private List<ChatMessage>? _newest;

    public bool IsLoaded => _newest is not null;

    /// <summary>The newest messages, ascending; the caller checks <see cref="IsLoaded"/> first.</summary>
    public IReadOnlyList<ChatMessage> Newest => [.. _newest ?? []];

    public void Load(IReadOnlyList<ChatMessage> newest) => _newest = [.. newest.TakeLast(capacity)];

    /// <summary>After a write whose outcome is unknown: the next use reads the table again.</summary>
    public void Forget() => _newest = null;

    public void Added(ChatMessage message)
    {
        if (_newest is null)
        {
            return;
        }
        _newest.Add(message);
        if (_newest.Count > capacity)
        {
            _newest.RemoveAt(0);
        }
    }

    /// <summary>Applies an edit or delete to the message of <paramref name="seq"/> if it is among the newest.</summary>
    public void Changed(long seq, Func<ChatMessage, ChatMessage> change)
    {
        var i = _newest?.FindIndex(m => m.Seq == seq) ?? -1;
        if (i >= 0)
        {
            _newest![i] = change(_newest[i]);
        }
    }
}
