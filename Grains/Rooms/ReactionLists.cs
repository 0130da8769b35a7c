namespace ChatApp.Rooms;

/// <summary>
/// A message's reactions changed by one event, as history would read them after it: the room
/// grain applies reactions to the newest messages it keeps (<see cref="RecentMessages"/>) this way.
/// </summary>
public static class ReactionLists
{
    /// <summary>The list with <paramref name="user"/> added under <paramref name="emoji"/>, a new emoji going last.</summary>
    public static IReadOnlyList<MessageReaction> With(IReadOnlyList<MessageReaction>? reactions, string emoji, string user)
    {
        var list = reactions?.ToList() ?? [];
        var i = list.FindIndex(r => r.Emoji == emoji);
        if (i < 0)
        {
            list.Add(new MessageReaction(emoji, [user]));
        }
        else if (!list[i].Users.Contains(user))
        {
            list[i] = list[i] with { Users = [.. list[i].Users, user] };
        }
        return list;
    }

    /// <summary>The list without <paramref name="user"/> under <paramref name="emoji"/>; an emoji nobody is left under goes.</summary>
    public static IReadOnlyList<MessageReaction> Without(IReadOnlyList<MessageReaction>? reactions, string emoji, string user)
    {
        var list = reactions?.ToList() ?? [];
        var i = list.FindIndex(r => r.Emoji == emoji);
        if (i >= 0)
        {
            var users = list[i].Users.Where(u => u != user).ToList();
            if (users.Count == 0)
            {
                list.RemoveAt(i);
            }
            else
            {
                list[i] = list[i] with { Users = users };
            }
        }
        return list;
    }
}
