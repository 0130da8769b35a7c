namespace ChatApp.Tests.Support;

/// <summary>
/// The contract's <c>Message</c>; a deleted one keeps its seq, with <see cref="Deleted"/> and an empty text.
/// Version 1.1 adds the seq it replies to and its reactions.
/// </summary>
public sealed record Message(
    string Room, long Seq, string Sender, string Text, DateTimeOffset Ts, DateTimeOffset? EditedTs, bool Deleted, string? ClientMsgId,
    long? ReplyTo = null, IReadOnlyList<Reaction>? Reactions = null, IReadOnlyList<Attachment>? Attachments = null)
{
    /// <summary>By value, reactions included: a record would compare the list of reactions by reference.</summary>
    public bool Equals(Message? other) =>
        other is not null
        && (Room, Seq, Sender, Text, Ts, EditedTs, Deleted, ClientMsgId, ReplyTo)
            == (other.Room, other.Seq, other.Sender, other.Text, other.Ts, other.EditedTs, other.Deleted, other.ClientMsgId, other.ReplyTo)
        && ReactionsText == other.ReactionsText;

    public override int GetHashCode() => HashCode.Combine(Room, Seq, Text);

    private string ReactionsText => string.Join(";", (Reactions ?? []).Select(r => $"{r.Emoji}:{string.Join(",", r.Users)}"));
}

/// <summary>One emoji on a message and the names of who reacted with it.</summary>
public sealed record Reaction(string Emoji, IReadOnlyList<string> Users);

/// <summary>A page of messages in ascending seq, from <c>history</c> or <c>GET /api/rooms/{id}/messages</c>.</summary>
public sealed record HistoryPage(IReadOnlyList<Message> Messages, bool HasMore)
{
    public IEnumerable<long> Seqs => Messages.Select(m => m.Seq);
}

/// <summary><c>GET /api/search</c>: the matches, best first.</summary>
public sealed record SearchResults(IReadOnlyList<SearchResult> Results);

/// <summary>One search match; its snippet marks each matched word between «».</summary>
public sealed record SearchResult(string Room, long Seq, string Sender, string Text, DateTimeOffset Ts, string Snippet);
