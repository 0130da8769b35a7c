using System.Collections.Concurrent;
using ChatApp.Gateway.Protocol;

namespace ChatApp.Gateway.Cluster;

/// <summary>
/// This gateway's sockets, indexed by user and by room. The hub changes it, and tells the
/// cluster what each change means (the first follower of a room watches it, the last unwatches
/// it); anyone may read it: a hello counts the user's sockets, a logout closes them, the admin
/// overview lists them.
/// </summary>
public sealed class SocketIndex
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HashSet<ChatConnection>> _byUser = new(StringComparer.Ordinal);
    // Copy-on-write arrays: the fan-out path reads them without taking the lock.
    private readonly ConcurrentDictionary<string, ChatConnection[]> _byRoom = new(StringComparer.Ordinal);
    // The rooms each socket follows: a closing socket leaves those, instead of looking through every
    // room of the gateway under the lock (a cost that grew with the rooms, paid by every close).
    private readonly Dictionary<ChatConnection, HashSet<string>> _roomsOf = [];

    /// <summary>Adds an authenticated socket under its user.</summary>
    public void Add(ChatConnection connection)
    {
        lock (_gate)
        {
            Add(_byUser, connection.User, connection);
        }
    }

    /// <summary>
    /// Takes a socket out of every index: whether it was its user's last here, and the rooms it
    /// left without a local follower (<paramref name="whenEmptied"/> runs for each, under the lock).
    /// </summary>
    public (bool LastOfUser, string[] EmptiedRooms) Remove(ChatConnection connection, Action<string> whenEmptied)
    {
        lock (_gate)
        {
            var lastOfUser = RemoveFrom(_byUser, connection.User, connection);
            var followed = _roomsOf.Remove(connection, out var rooms) ? rooms.ToArray() : [];
            var emptiedRooms = followed.Where(room => UnfollowLocked(connection, room, whenEmptied)).ToArray();
            return (lastOfUser, emptiedRooms);
        }
    }

    /// <summary>Makes a socket follow a room; true when it is the room's first local follower.</summary>
    public bool Follow(ChatConnection connection, string room)
    {
        lock (_gate)
        {
            var current = _byRoom.GetValueOrDefault(room, []);
            if (!current.Contains(connection))
            {
                _byRoom[room] = [.. current, connection];
                if (!_roomsOf.TryGetValue(connection, out var rooms))
                {
                    _roomsOf[connection] = rooms = new(StringComparer.Ordinal);
                }
                rooms.Add(room);
            }
            return current.Length == 0;
        }
    }

    /// <summary>
    /// Removes one follower; true when the room has no local follower left, and then
    /// <paramref name="whenEmptied"/> has run under the lock, in the same step.
    /// </summary>
    public bool Unfollow(ChatConnection connection, string room, Action<string> whenEmptied)
    {
        lock (_gate)
        {
            return UnfollowLocked(connection, room, whenEmptied);
        }
    }

    /// <summary>Whether any local socket follows the room; read without the lock.</summary>
    public bool IsFollowed(string room) => _byRoom.ContainsKey(room);

    /// <summary>The room's local followers as they are now; read without the lock.</summary>
    public ChatConnection[] FollowersOf(string room) => _byRoom.GetValueOrDefault(room, []);

    public bool IsFollowing(ChatConnection connection, string room) =>
        _byRoom.TryGetValue(room, out var followers) && followers.Contains(connection);

    /// <summary>The rooms with local followers, and (when asked) the users with sockets here, read together.</summary>
    public (string[] Rooms, string[] Users) Snapshot(bool withUsers)
    {
        lock (_gate)
        {
            return ([.. _byRoom.Where(r => r.Value.Length > 0).Select(r => r.Key)], withUsers ? [.. _byUser.Keys] : []);
        }
    }

    /// <summary>How many sockets the user holds on this gateway.</summary>
    public int CountOf(string user)
    {
        lock (_gate)
        {
            return _byUser.TryGetValue(user, out var set) ? set.Count : 0;
        }
    }

    public ChatConnection[] All()
    {
        lock (_gate)
        {
            return [.. _byUser.Values.SelectMany(c => c)];
        }
    }

    public ChatConnection[] ConnectionsOf(string user)
    {
        lock (_gate)
        {
            return _byUser.TryGetValue(user, out var set) ? [.. set] : [];
        }
    }

    /// <summary>
    /// Closes every local socket of a user that signed in with a token older than
    /// <paramref name="tokenVersion"/>; those tokens were just revoked. Sockets opened since with
    /// a new token (the one a password change returns) stay open.
    /// </summary>
    public Task CloseUserAsync(string user, int tokenVersion) =>
        Task.WhenAll(ConnectionsOf(user).Where(c => c.TokenVersion < tokenVersion)
            .Select(c => c.CloseAsync(CloseCodes.Unauthorized, "credentials changed")));

    public Task CloseDeviceAsync(string user, Guid device) =>
        Task.WhenAll(ConnectionsOf(user).Where(c => c.Device == device)
            .Select(c => c.CloseAsync(CloseCodes.Unauthorized, "device signed out")));

    private bool UnfollowLocked(ChatConnection connection, string room, Action<string> whenEmptied)
    {
        if (!_byRoom.TryGetValue(room, out var current) || !current.Contains(connection))
        {
            return false;
        }
        if (_roomsOf.TryGetValue(connection, out var rooms) && rooms.Remove(room) && rooms.Count == 0)
        {
            _roomsOf.Remove(connection);
        }
        var rest = current.Where(c => c != connection).ToArray();
        if (rest.Length == 0)
        {
            _byRoom.TryRemove(room, out _);
            whenEmptied(room);
            return true;
        }
        _byRoom[room] = rest;
        return false;
    }

    private static void Add(Dictionary<string, HashSet<ChatConnection>> index, string key, ChatConnection connection)
    {
        if (!index.TryGetValue(key, out var set))
        {
            index[key] = set = [];
        }
        set.Add(connection);
    }

    private static bool RemoveFrom(Dictionary<string, HashSet<ChatConnection>> index, string key, ChatConnection connection)
    {
        if (index.TryGetValue(key, out var set) && set.Remove(connection) && set.Count == 0)
        {
            index.Remove(key);
            return true;
        }
        return false;
    }
}
