using ChatApp.Rooms;

namespace ChatApp.Gateway.Cluster;

/// <summary>
/// Keeps presence changes in order on their way to the sockets. A room's relay tells this gateway
/// "online" and then "offline" with two one-way calls, and Orleans may deliver them the other way
/// round (each call to a client goes through any silo the client is connected to): passed on as
/// they came, the member would show online until their next change. Each change carries the
/// stamp of the session's announcement it reports; one older than a change already passed on for
/// the same member of the same room is dropped.
/// </summary>
public sealed class PresenceOrder
{
    private readonly Lock _gate = new();
    // Per room, the newest stamp passed on per member.
    private readonly Dictionary<string, Dictionary<string, long>> _newest = new(StringComparer.Ordinal);

    /// <summary>Whether the change is newer than every change about the same member of the room so far (and remembers it if so).</summary>
    public bool IsNewest(PresenceChange change)
    {
        lock (_gate)
        {
            if (!_newest.TryGetValue(change.Room, out var members))
            {
                _newest[change.Room] = members = new(StringComparer.Ordinal);
            }
            if (members.TryGetValue(change.User, out var newest) && change.Stamp <= newest)
            {
                return false;
            }
            members[change.User] = change.Stamp;
            return true;
        }
    }

    /// <summary>Forgets a room that no local socket follows any more.</summary>
    public void Forget(string room)
    {
        lock (_gate)
        {
            _newest.Remove(room);
        }
    }
}
