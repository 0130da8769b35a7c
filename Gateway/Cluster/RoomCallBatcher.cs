using System.Collections.Concurrent;
using ChatApp.Errors;
using ChatApp.Rooms;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace ChatApp.Gateway.Cluster;

/// <summary>
/// This gateway's requests of one kind (sends, joins), room by room: at most one call of that kind to
/// a room is in flight from here, and the requests that arrive meanwhile wait and go together in the
/// next call, up to <see cref="MaxBatch"/> of them. A room grain handles one call at a time and each
/// request waits for its commit, so a busy room paid a call, a statement, a commit and a stream item
/// per request; together they pay one each per batch. A quiet room's request goes at once, alone:
/// nothing waits for company.
/// <para>
/// Each request keeps its own deadline, the time the gateway gives the cluster for any call (the
/// client's response timeout): waiting behind a call in flight does not add to it. When the room is
/// out of reach its call hangs until that timeout, and the requests queued behind would otherwise hear
/// of it one timeout later each, after a careful client had given up on the socket. A request past its
/// deadline is answered <c>unavailable</c>, like a call that timed out (it may yet be carried out), and
/// is left out of the calls still to go.
/// </para>
/// </summary>
public abstract class RoomCallBatcher<TRequest, TResult>(IClusterClient cluster, IOptions<ClientMessagingOptions> messaging)
    where TResult : class
{
    /// <summary>The most requests in one call, so that one batch stays one modest statement and one modest reply.</summary>
    public const int MaxBatch = 64;

    private readonly IClusterClient _cluster = cluster;
    private readonly TimeSpan _patience = messaging.Value.ResponseTimeout;
    private readonly ConcurrentDictionary<string, RoomQueue> _rooms = new(StringComparer.Ordinal);
    private long _calls;

    /// <summary>Calls made to rooms so far: fewer than the requests when requests shared them.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>
    /// The call that carries a batch: one answer per request, in order, each the result or the
    /// refusal the room gave that request alone.
    /// </summary>
    protected abstract Task<IReadOnlyList<(TResult? Result, ChatException? Failure)>> CallAsync(IRoomGrain room, IReadOnlyList<TRequest> batch);

    /// <summary>Puts the request in the room's next call; its own result, or its own refusal thrown.</summary>
    protected async Task<TResult> EnqueueAsync(RoomId room, TRequest request)
    {
        var waiting = new Waiting(request);
        // A room's queue that went idle is dropped; one dropped just now refuses, and a fresh one takes the request.
        while (!_rooms.GetOrAdd(room.Value, id => new RoomQueue(this, id)).TryAdd(waiting))
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

    private sealed record Waiting(TRequest Request)
    {
        public TaskCompletionSource<TResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Answered already: given up at its deadline while it waited, so not worth a place in a call.</summary>
        public bool Answered => Done.Task.IsCompleted;
    }

    /// <summary>One room's requests waiting here, and whether a call to the room is under way.</summary>
    private sealed class RoomQueue(RoomCallBatcher<TRequest, TResult> owner, string room)
    {
        private readonly Lock _gate = new();
        private readonly Queue<Waiting> _waiting = new();
        private bool _calling;
        private bool _dropped;

        public bool TryAdd(Waiting request)
        {
            lock (_gate)
            {
                if (_dropped)
                {
                    return false;
                }
                _waiting.Enqueue(request);
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
                    var answers = await owner.CallAsync(grain, [.. batch.Select(w => w.Request)]);
                    for (var i = 0; i < batch.Count; i++)
                    {
                        if (answers[i].Result is { } result)
                        {
                            batch[i].Done.TrySetResult(result);
                        }
                        else
                        {
                            batch[i].Done.TrySetException(answers[i].Failure!);
                        }
                    }
                }
                catch (Exception ex)
                {
                    // The call itself failed (a silo lost, a timeout): each request hears of it as it would alone.
                    foreach (var waiting in batch)
                    {
                        waiting.Done.TrySetException(ex);
                    }
                }
            }
        }

        /// <summary>The next requests to go, oldest first; none when the room is idle, which drops its queue.</summary>
        private List<Waiting>? NextBatch()
        {
            lock (_gate)
            {
                var batch = new List<Waiting>(Math.Min(_waiting.Count, MaxBatch));
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
