using ChatApp.Rooms;

namespace ChatApp.Gateway.Contract;

/// <summary>The contract's <c>Room</c>: a RoomSummary's fields plus the owner and the members.</summary>
public sealed record RoomView(
    string Id, string Topic, string Visibility, int MemberCount, long LastSeq, long Unread, long Mentions,
    string Owner, IReadOnlyList<RoomMember> Members)
{
    public static RoomView From(RoomDetails d) => new(
        d.Summary.Id, d.Summary.Topic, d.Summary.Visibility, d.Summary.MemberCount, d.Summary.LastSeq, d.Summary.Unread,
        d.Summary.Mentions, d.Owner, d.Members);
}
