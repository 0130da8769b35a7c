namespace ChatApp.Rooms;

/// <summary>Limits the room and session grains enforce themselves, bound from the silo's "Limits" section.</summary>
public sealed class RoomLimits
{
    /// <summary>Rooms one user may belong to; a join past it is refused with rate_limited.</summary>
    public int RoomsPerUser { get; set; } = 500;

    /// <summary>
    /// Rooms one user may make by joining an id nobody uses yet, in a burst…
    /// (<c>POST /api/rooms</c> is not counted: it says it means to create.)
    /// </summary>
    public int JoinCreatedRoomsBurst { get; set; } = 20;

    /// <summary>…and per minute after it.</summary>
    public double JoinCreatedRoomsPerMinute { get; set; } = 10;

    /// <summary>New direct-message rooms one user may open in a burst…</summary>
    public int DirectRoomsBurst { get; set; } = 10;

    /// <summary>…and per minute after it.</summary>
    public double DirectRoomsPerMinute { get; set; } = 5;

    /// <summary>Invitations one user may have waiting for an answer; one more is refused with rate_limited.</summary>
    public int PendingInvitationsPerUser { get; set; } = 100;

    /// <summary>Invite links of one room not yet revoked (expired ones are forgotten); one more is refused with rate_limited.</summary>
    public int InviteLinksPerRoom { get; set; } = 100;

    /// <summary>How long an invite link lasts when its maker does not say…</summary>
    public TimeSpan InviteLinkLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>…and the longest it may be asked to last.</summary>
    public TimeSpan InviteLinkMaxLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The most uses one invite link may be given.</summary>
    public int InviteLinkMaxUses { get; set; } = 10_000;
}
