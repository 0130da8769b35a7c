namespace ChatApp.Tests.Support;

/// <summary>The contract's <c>RoomSummary</c>: a room as lists show it, with the caller's unread messages and mentions.</summary>
public record RoomSummary(string Id, string Topic, string Visibility, int MemberCount, long LastSeq, long Unread, long Mentions);

/// <summary>The contract's <c>Room</c>: a <see cref="RoomSummary"/> plus its owner and (the first of) its members.</summary>
public sealed record Room(
    string Id, string Topic, string Visibility, int MemberCount, long LastSeq, long Unread, long Mentions,
    string Owner, IReadOnlyList<Member> Members)
    : RoomSummary(Id, Topic, Visibility, MemberCount, LastSeq, Unread, Mentions)
{
    /// <summary>Each listed member's role, by user name.</summary>
    public Dictionary<string, string> Roles => Members.ToDictionary(m => m.User, m => m.Role);
}

/// <summary>A member of a room: <c>owner</c>, <c>moderator</c> or <c>member</c>, and whether online.</summary>
public sealed record Member(string User, string Role, bool Online);
