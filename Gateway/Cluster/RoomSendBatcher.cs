using System.Collections.Concurrent;
using ChatApp.Errors;
using ChatApp.Rooms;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace ChatApp.Gateway.Cluster;

/// <summary>
/// This gateway's sends, room by room: at most one call to a room is in flight from here, and the
/// sends that arrive meanwhile wait and go together in the next call (<see cref="IRoomGrain.SendMany"/>),
/// up to <see cref="MaxBatch"/> of them. A room grain handles one call at a time and each send
/// waits for its commit, so a busy room paid a call, a statement, a commit and a stream item per
/// message; together they pay one each per batch. A quiet room's send goes at once, alone:
/// nothing waits for company.
/// <para>
/// Each send keeps its own deadline, the time the gateway gives the cluster for any call (the
/// client's response timeout): waiting behind a call in flight does not add to it. When the room is
/// out of reach its call hangs until that timeout, and the sends queued behind would otherwise hear
/// of it one timeout later each, after a careful client had given up on the socket. A send past its
/// deadline is answered <c>unavailable</c>, like a call that timed out (it may yet be stored: a retry
/// with its clientMsgId is answered with the same seq), and is left out of the calls still to go.
/// </para>
/// </summary>
public sealed class RoomSendBatcher(IClusterClient cluster, IOptions<ClientMessagingOptions> messaging)
{
    /// <summary>The most sends in one call, so that one batch stays one modest statement and one modest reply.</summary>
    public const int MaxBatch = 64;

    private readonly IClusterClient _cluster = cluster;
    private readonly TimeSpan _patience = messaging.Value.ResponseTimeout;
    private readonly ConcurrentDictionary<string, RoomSends> _rooms = new(StringComparer.Ordinal);
    private long _calls;

    /// <summary>Calls made to rooms so far: fewer than the sends when sends shared them.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Sends a message in the room's next call; its own acknowledgement, or its own refusal thrown.</summary>
    public async Task<SendResult> SendAsync(RoomId room, MessageToSend send)
    {
        var waiting = new WaitingSend(send);
        // A room's queue that went idle is dropped; one dropped just now refuses, and a fresh one takes the send.
        while (!_rooms.GetOrAdd(room.Value, id => new RoomSends(this, id)).TryAdd(waiting))
        {
        }
        try
        {
            return await waiting.Done.Task.WaitAsync(_patience);
        }
        catch (TimeoutException)
        {
            waiting.Done.TrySetCanceled();
            throw new ChatException(ErrorCodes.Unavailable, "The chat cluster did not answer in time; retry.");
        }
    }

    private sealed record WaitingSend(MessageToSend Send)
    {
        public TaskCompletionSource<SendResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Answered already: given up at its deadline while it waited, so not worth a place in a call.</summary>
        public bool Answered => Done.Task.IsCompleted;
    }

    /// <summary>One room's sends waiting here, and whether a call to the room is under way.</summary>
    private sealed class RoomSends(RoomSendBatcher owner, string room)
    {
        private readonly Lock _gate = new();
        private readonly Queue<WaitingSend> _waiting = new();
        private bool _calling;
        private bool _dropped;

        public bool TryAdd(WaitingSend send)
        {
            lock (_gate)
            {
                if (_dropped)
                {
                    return false;
                }
                _waiting.Enqueue(send);
                if (_calling)
                {
                    return true; // goes in the call after the one in flight
                }
                _calling = true;
            }
            _ = CallAsync();
            return true;
        }

        private async Task CallAsync()
        {
            var grain = owner._cluster.GetGrain<IRoomGrain>(room);
            while (NextBatch() is { } batch)
            {
                Interlocked.Increment(ref owner._calls);
                try
                {
                    var outcomes = await grain.SendMany([.. batch.Select(w => w.Send)]);
                    for (var i = 0; i < batch.Count; i++)
                    {
                        if (outcomes[i].Sent is { } sent)
                        {
                            batch[i].Done.TrySetResult(sent);
                        }
                        else
                        {
                            batch[i].Done.TrySetException(outcomes[i].Failure!);
                        }
                    }
                }
                catch (Exception ex)
                {
                    // The call itself failed (a silo lost, a timeout): each send hears of it as it would alone.
                    foreach (var waiting in batch)
                    {
                        waiting.Done.TrySetException(ex);
                    }
                }
            }
        }

        /// <summary>The next sends to go, oldest first; none when the room is idle, which drops its queue.</summary>
        private List<WaitingSend>? NextBatch()
        {
            lock (_gate)
            {
                var batch = new List<WaitingSend>(Math.Min(_waiting.Count, MaxBatch));
                while (batch.Count < MaxBatch && _waiting.TryDequeue(out var next))
                {
                    if (!next.Answered)
                    {
                        batch.Add(next);
                    }
                }
                if (batch.Count == 0)
                {
                    _calling = false;
                    _dropped = true;
                    owner._rooms.TryRemove(KeyValuePair.Create(room, this));
                    return null;
                }
                return batch;
            }
        }
    }
}
