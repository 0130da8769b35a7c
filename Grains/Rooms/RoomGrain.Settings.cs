using ChatApp.Errors;
using ChatApp.Storage;
using ChatApp.Users;

namespace ChatApp.Rooms;

/// <summary>
/// A room's settings: its topic, lifting bans, handing ownership on, and invite links. Each change
/// a member can see is an event of the room's one sequence (<c>topic</c>, <c>unban</c>, <c>role</c>),
/// so clients see it live and in history like any other.
/// </summary>
public sealed partial class RoomGrain
{
    public async Task<RoomDetails> SetTopic(UserName actor, string topic)
    {
        EnsureModerator(actor, "Only the owner or a moderator may change the topic.");
        RoomPermissions.CheckTopic(topic ?? "");
        if (topic != Room.Topic)
        {
            await EnsureSeqKnown();
            var e = new RoomEvent(Id, _lastSeq + 1, RoomEventKind.Topic, actor, ChatClock.Now(time), Text: topic);
            // The event first: should the state write fail, the grain reloads, and the log says what was asked.
            await Write(async () => { await log.Append(e); return true; });
            Room.Topic = topic!;
            await Write(async () => { await log.UpsertDirectory(Id, Room); return true; });
            await Write(async () => { await state.WriteStateAsync(); return true; });
            await Committed(e);
        }
        return await Details(actor);
    }

    public async Task Unban(UserName actor, UserName user)
    {
        EnsureModerator(actor, "Only the owner or a moderator may lift a ban.");
        if (!_members.IsBanned(user))
        {
            return;
        }
        await EnsureSeqKnown();
        var e = new RoomEvent(Id, _lastSeq + 1, RoomEventKind.Unban, actor, ChatClock.Now(time), User: user);
        await Write(async () => { await membership.AppendUnban(e); return true; });
        _members.Unban(user);
        await Committed(e);
    }

    public async Task HandOwnership(UserName actor, UserName user)
    {
        EnsureMember(actor);
        if (_members.RoleOf(actor) != RoomRoles.Owner)
        {
            throw new ChatException(ErrorCodes.Forbidden, "Only the owner may hand the room on.");
        }
        if (actor == user)
        {
            return;
        }
        if (!_members.Contains(user))
        {
            throw new ChatException(ErrorCodes.NotFound, "That user is not a member.");
        }
        var now = ChatClock.Now(time);
        await AppendRoles(
            [
                new RoomEvent(Id, 0, RoomEventKind.Role, actor, now, User: user, Role: RoomRoles.Owner),
                new RoomEvent(Id, 0, RoomEventKind.Role, actor, now, User: actor, Role: RoomRoles.Moderator),
            ],
            newOwner: user);
        Room.Owner = user;
        await Write(async () => { await state.WriteStateAsync(); return true; });
    }

    public async Task<InviteLink> CreateInviteLink(UserName actor, int? maxUses, TimeSpan? expiresIn)
    {
        EnsureModerator(actor, "Only the owner or a moderator may make invite links.");
        var rules = limits.Value;
        if (maxUses is { } uses && (uses < 1 || uses > rules.InviteLinkMaxUses))
        {
            throw new ChatException(ErrorCodes.Validation, $"maxUses is 1 to {rules.InviteLinkMaxUses}.");
        }
        var lifetime = expiresIn ?? rules.InviteLinkLifetime;
        if (lifetime <= TimeSpan.Zero || lifetime > rules.InviteLinkMaxLifetime)
        {
            throw new ChatException(ErrorCodes.Validation, $"expiresInSeconds is 1 to {(long)rules.InviteLinkMaxLifetime.TotalSeconds}.");
        }
        var code = InviteCodes.New();
        var now = ChatClock.Now(time);
        var link = new InviteLink(Id, code, now + lifetime, maxUses);
        if (!await inviteLinks.TryAdd(Id, InviteCodes.Hash(code), actor, now, link.ExpiresAt, maxUses, rules.InviteLinksPerRoom))
        {
            throw ChatException.RateLimited(TimeSpan.FromMinutes(1), $"A room may have at most {rules.InviteLinksPerRoom} invite links; revoke one first.");
        }
        return link;
    }

    public async Task<JoinResult> JoinByInviteLink(UserName user, string code)
    {
        if (!Room.Exists || !InviteCodes.IsWellFormed(code))
        {
            throw NoSuchInvite();
        }
        if (_members.Contains(user))
        {
            // Already in: the link is not used up by a click of someone it cannot let in further.
            return await Joined(user);
        }
        var hash = InviteCodes.Hash(code);
        if (!await inviteLinks.IsUsable(Id, hash, ChatClock.Now(time)))
        {
            throw NoSuchInvite();
        }
        if (_members.IsBanned(user))
        {
            throw new ChatException(ErrorCodes.Forbidden, "You are banned from this room.");
        }
        // Counted against the user's room cap like any join; refused there, the use is not counted.
        await AppendJoin(user, user, RoomRoles.Member);
        await inviteLinks.CountUse(Id, hash);
        return await Joined(user);
    }

    public async Task RevokeInviteLink(UserName actor, string code)
    {
        EnsureModerator(actor, "Only the owner or a moderator may revoke invite links.");
        if (!InviteCodes.IsWellFormed(code) || !await inviteLinks.Revoke(Id, InviteCodes.Hash(code)))
        {
            throw NoSuchInvite();
        }
    }

    /// <summary>Commits role events together with the rows they change, then publishes them in order.</summary>
    private async Task AppendRoles(IReadOnlyList<RoomEvent> changes, string? newOwner = null)
    {
        await EnsureSeqKnown();
        var numbered = changes.Select((e, i) => e with { Seq = _lastSeq + 1 + i }).ToList();
        await Write(async () => { await membership.AppendRoles(numbered, newOwner); return true; });
        foreach (var e in numbered)
        {
            _members.Set(e.User!, e.Role!);
            await Committed(e);
        }
    }

    private void EnsureModerator(string actor, string refusal)
    {
        EnsureMember(actor);
        if (!RoomPermissions.CanModerate(_members.RoleOf(actor)))
        {
            throw new ChatException(ErrorCodes.Forbidden, refusal);
        }
    }

    private static ChatException NoSuchInvite() => new(ErrorCodes.NotFound, "No such invite link.");
}
