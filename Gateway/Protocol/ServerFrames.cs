using System.Text.Json;
using ChatApp.Gateway.Contract;
using ChatApp.Rooms;

namespace ChatApp.Gateway.Protocol;

/// <summary>
/// The frames the server sends, as UTF-8 bytes ready for the socket. An event is serialized
/// once and the same bytes go to every socket that receives it.
/// </summary>
public static class ServerFrames
{
    public static byte[] Reply(string reference, object data) =>
        JsonSerializer.SerializeToUtf8Bytes(new ReplyFrame("reply", reference, true, data), ChatJson.Options);

    public static byte[] Error(string? reference, string code, string message, long? retryAfterMs = null) =>
        JsonSerializer.SerializeToUtf8Bytes(new ErrorFrame("error", reference, code, message, retryAfterMs), ChatJson.Options);

    public static byte[] Resync(string room, long lastSeq) =>
        JsonSerializer.SerializeToUtf8Bytes(new ResyncFrame("resync", room, lastSeq), ChatJson.Options);

    public static byte[] Presence(PresenceChange change) =>
        JsonSerializer.SerializeToUtf8Bytes(new PresenceFrame("presence", change.Room, change.User, change.Online), ChatJson.Options);

    public static byte[] Typing(TypingNotice notice) =>
        JsonSerializer.SerializeToUtf8Bytes(new TypingFrame("typing", notice.Room, notice.User), ChatJson.Options);

    public static byte[] Unread(Users.UnreadChange change) =>
        JsonSerializer.SerializeToUtf8Bytes(new UnreadFrame("unread", change.Room, change.Count, change.LastReadSeq, change.Mentions), ChatJson.Options);

    public static byte[] Mention(Users.Mention mention) =>
        JsonSerializer.SerializeToUtf8Bytes(new MentionFrame("mention", mention.Room, mention.Seq, mention.Sender), ChatJson.Options);

    public static byte[] Invitation(Invitation invitation) =>
        JsonSerializer.SerializeToUtf8Bytes(new InvitationFrame("invitation", invitation.Room, invitation.InvitedBy, invitation.Topic, invitation.Ts), ChatJson.Options);

    /// <summary>A member's profile after a change (addition): <c>displayName</c> and <c>avatar</c> are absent when they have none.</summary>
    public static byte[] Profile(Users.ProfileNotice notice) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new ProfileFrame("profile", notice.Room, notice.Profile.User, notice.Profile.DisplayName, notice.Profile.Avatar, notice.Profile.Stamp),
            ChatJson.Options);

    /// <summary>An <c>event</c> frame carrying exactly the fields of its kind.</summary>
    public static byte[] Event(RoomEvent e) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new EventFrame("event", e.Room, e.Seq, e.Kind, e.Sender, e.Ts, e.Text, e.ClientMsgId, e.Target, e.User, e.ReplyTo, e.Emoji, e.Role, e.Attachments),
            ChatJson.Options);

    private sealed record ReplyFrame(string Type, string Ref, bool Ok, object Data);

    private sealed record ErrorFrame(string Type, string? Ref, string Code, string Message, long? RetryAfterMs);

    private sealed record ResyncFrame(string Type, string Room, long LastSeq);

    private sealed record PresenceFrame(string Type, string Room, string User, bool Online);

    private sealed record TypingFrame(string Type, string Room, string User);

    private sealed record UnreadFrame(string Type, string Room, long Count, long LastReadSeq, long Mentions);

    private sealed record MentionFrame(string Type, string Room, long Seq, string Sender);

    private sealed record ProfileFrame(string Type, string Room, string User, string? DisplayName, string? Avatar, long Stamp);

    private sealed record InvitationFrame(string Type, string Room, string InvitedBy, string Topic, DateTime Ts);

    private sealed record EventFrame(
        string Type, string Room, long Seq, string Kind, string Sender, DateTime Ts,
        string? Text, string? ClientMsgId, long? Target, string? User, long? ReplyTo, string? Emoji, string? Role,
        IReadOnlyList<AttachmentInfo>? Attachments);
}
