using ChatApp.Errors;

namespace ChatApp.Rooms;

/// <summary>
/// Who may do what in a room, in one place. The owner may do everything; a moderator may add
/// people to private rooms, delete others' messages, and remove or ban plain members; a member
/// may speak and manage their own messages. Nobody may act on someone of equal or higher rank.
/// </summary>
public static class RoomPermissions
{
    public const int MaxTopicLength = 256;

    private static int Rank(string role) => role switch
    {
        RoomRoles.Owner => 2,
        RoomRoles.Moderator => 1,
        _ => 0,
    };

    public static bool CanModerate(string role) => Rank(role) >= 1;

    public static void CheckNewRoom(string id, string visibility, string topic)
    {
        if (!RoomId.IsValid(id))
        {
            throw new ChatException(ErrorCodes.Validation, RoomId.Rule);
        }
        if (visibility is not (RoomVisibility.Public or RoomVisibility.Private))
        {
            throw new ChatException(ErrorCodes.Validation, "visibility is \"public\" or \"private\".");
        }
        CheckTopic(topic);
    }

    public static void CheckTopic(string topic)
    {
        if (topic.Length > MaxTopicLength)
        {
            throw new ChatException(ErrorCodes.Validation, $"A topic is at most {MaxTopicLength} characters.");
        }
        MessageRules.CheckNoNul(topic, "A topic");
    }

    public static void CheckCanInvite(string actorRole)
    {
        if (!CanModerate(actorRole))
        {
            throw new ChatException(ErrorCodes.Forbidden, "Only the owner or a moderator may add people.");
        }
    }

    /// <summary>Kicks and bans: a moderator or the owner, acting on someone of lower rank.</summary>
    public static void CheckCanRemove(string actorRole, string targetRole)
    {
        if (!CanModerate(actorRole) || Rank(targetRole) >= Rank(actorRole))
        {
            throw new ChatException(ErrorCodes.Forbidden, "You may not remove this user.");
        }
    }

    public static void CheckCanSetRole(string actorRole, string newRole)
    {
        if (actorRole != RoomRoles.Owner)
        {
            throw new ChatException(ErrorCodes.Forbidden, "Only the owner may change roles.");
        }
        if (newRole is not (RoomRoles.Moderator or RoomRoles.Member))
        {
            throw new ChatException(ErrorCodes.Validation, "role is \"moderator\" or \"member\".");
        }
    }
}
