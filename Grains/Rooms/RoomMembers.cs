namespace ChatApp.Rooms;

/// <summary>
/// Who belongs to one room, with their roles, and who is banned from it: the room grain's copy in
/// memory of its rows in <c>room_members</c> and <c>room_bans</c>, read once when it activates and
/// changed only after the row it mirrors is committed. Names are also kept in order, so that a page
/// of members costs the page, not the room.
/// </summary>
public sealed class RoomMembers
{
    private readonly Dictionary<string, string> _roles = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _names = new(StringComparer.Ordinal);
    private readonly HashSet<string> _banned = new(StringComparer.Ordinal);

    public int Count => _roles.Count;

    public int BannedCount => _banned.Count;

    public bool Contains(string user) => _roles.ContainsKey(user);

    public bool IsBanned(string user) => _banned.Contains(user);

    public bool TryGetRole(string user, out string role) => _roles.TryGetValue(user, out role!);

    /// <summary>The role of a member; callers check membership first.</summary>
    public string RoleOf(string user) => _roles[user];

    public void Set(string user, string role)
    {
        _roles[user] = role;
        _names.Add(user);
    }

    public void Remove(string user)
    {
        _roles.Remove(user);
        _names.Remove(user);
    }

    public void Ban(string user)
    {
        Remove(user);
        _banned.Add(user);
    }

    public void Unban(string user) => _banned.Remove(user);

    /// <summary>Up to <paramref name="limit"/> members in name order, starting after <paramref name="after"/> (null: from the first).</summary>
    public IReadOnlyList<(string User, string Role)> Page(string? after, int limit)
    {
        if (after is not null && (_names.Count == 0 || string.CompareOrdinal(after, _names.Max) >= 0))
        {
            return [];
        }
        IEnumerable<string> names = after is null ? _names : _names.GetViewBetween(after, _names.Max!).Where(name => name != after);
        return [.. names.Take(limit).Select(name => (name, _roles[name]))];
    }
}
