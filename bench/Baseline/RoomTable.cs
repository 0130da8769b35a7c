using System.Collections.Concurrent;

namespace ChatApp.Bench.Baseline;

/// <summary>Rooms in memory: a seq counter and the sockets that receive its events.</summary>
public sealed class RoomTable
{
    private readonly ConcurrentDictionary<string, Room> _rooms = new(StringComparer.Ordinal);

    public Room Get(string id) => _rooms.GetOrAdd(id, static id => new Room(id));

    /// <summary>
    /// One room. The lock numbers events and queues them on every member socket in the same
    /// step, so each socket sees the room's events in seq order without gaps, as ChatApp promises.
    /// </summary>
    public sealed class Room(string id)
    {
        private readonly Lock _gate = new();
        private BaselineSocket[] _members = [];
        private long _lastSeq;

        public string Id { get; } = id;

        public int MemberCount => Volatile.Read(ref _members).Length;

        /// <summary>Adds the socket (once) and publishes a join event; returns the seq the joiner starts after.</summary>
        public long Join(BaselineSocket socket, string user)
        {
            lock (_gate)
            {
                var startAfter = _lastSeq;
                if (!_members.Contains(socket))
                {
                    _members = [.. _members, socket];
                }
                Publish(seq => Frames.Event(Id, seq, "join", user, null, null, user));
                return startAfter;
            }
        }

        public void Leave(BaselineSocket socket)
        {
            lock (_gate)
            {
                _members = [.. _members.Where(s => s != socket)];
            }
        }

        /// <summary>Numbers a message, queues the same bytes on every member, and returns its seq.</summary>
        public long Send(string user, string clientMsgId, string text) =>
            Publish(seq => Frames.Event(Id, seq, "message", user, text, clientMsgId, null));

        private long Publish(Func<long, byte[]> frame)
        {
            lock (_gate)
            {
                var seq = ++_lastSeq;
                var bytes = frame(seq);
                foreach (var member in _members)
                {
                    member.Enqueue(bytes);
                }
                return seq;
            }
        }
    }
}
