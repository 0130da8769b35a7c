using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace ChatApp.Streaming;

/// <summary>
/// Holds a queue's batches in memory between producers and its agent. Like Orleans' memory
/// streams it is not durable: a batch lost with its silo is repaired by the gateways from the
/// room's event log, which is the truth.
/// </summary>
/// <remarks>
/// A batch's place is also its stream sequence token, and tokens must only ever grow, across
/// this queue's activations and the agents that read it. Each consumer remembers the last token
/// it was given, and an agent's cache holds a consumer whose token is newer than anything cached
/// until a newer one arrives. Counting from 0 in each activation, a queue that came back after its
/// silo died held every room behind it silent until it had carried as many batches again; a room
/// that went quiet after the failover stayed silent for good (the supervision test of run.sh found
/// it). So a place is the time it was given, in microseconds, and one more than the last where
/// batches come faster than that: a new activation starts past every place an old one gave, as
/// long as the silos' clocks agree to within the time a failover takes.
/// <para>
/// It lives beside its pulling agent: the agent's reads, one or more per event, then stay in the
/// silo, and only the rooms' enqueues may cross to it. Being made where first asked is not enough:
/// the first silo up starts every agent and makes every queue, and when the next silo joins, the
/// agents of half the queues move to it while their queues stay behind, so each event cost a read
/// across silos. A read from another silo therefore moves the queue there, batches and all
/// (<see cref="FollowReader"/>).
/// </para>
/// </remarks>
[PreferLocalPlacement]
public sealed class ChatQueueGrain(TimeProvider time) : Grain, IChatQueueGrain, IGrainMigrationParticipant
{
    private const string BatchesKey = "batches";
    private const string ActivationKey = "activation";
    private const string LastSequenceKey = "last-sequence";

    private readonly Queue<ChatQueueBatch> _batches = new();
    private Guid _activation = Guid.NewGuid();
    private TaskCompletionSource? _arrival;
    private long _lastSequence = -1;
    private bool _moving;

    public Task Enqueue(ChatQueueBatch batch)
    {
        var now = (time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
        _lastSequence = Math.Max(_lastSequence + 1, now);
        _batches.Enqueue(batch.Placed(_lastSequence));
        // Wakes every waiting read; their continuations run later, on this grain's turns.
        _arrival?.TrySetResult();
        _arrival = null;
        return Task.CompletedTask;
    }

    public async Task<ChatQueueRead> Read(Guid activation, long taken, int maxCount, TimeSpan wait, SiloAddress reader)
    {
        if (activation != _activation)
        {
            taken = -1; // a mark from an activation before this one: nothing here was taken yet
        }
        // A queue moving between silos leaves its old agent's last read waiting here; when an event
        // ends that wait, the answer goes to a reader that is gone. Only the next read of a reader
        // that took it removes a batch, so the new agent reads the same batch again.
        while (_batches.TryPeek(out var oldest) && oldest.Sequence <= taken)
        {
            _batches.Dequeue();
        }
        // A queue on its way to its reader's silo answers at once: the next read finds it there.
        var moving = FollowReader(reader);
        if (_batches.Count == 0 && wait > TimeSpan.Zero && !moving)
        {
            _arrival ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            // A timeout is an ordinary empty answer; the agent asks again.
            await _arrival.Task.WaitAsync(wait)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        }
        var limit = maxCount < 0 ? int.MaxValue : maxCount;
        // Everything still queued is newer than what this reader took: the loop above dropped the rest.
        return new ChatQueueRead(_activation, [.. _batches.Take(limit)]);
    }

    /// <summary>
    /// Moves this queue to its reader's silo, once no call is running here; true while it is on its
    /// way. The batches, the activation's id and the last place given go with it (<see cref="OnDehydrate"/>),
    /// so the reader's mark of what it took still counts and no place is given twice.
    /// </summary>
    private bool FollowReader(SiloAddress reader)
    {
        if (!_moving && !reader.Equals(GrainContext.Address.SiloAddress))
        {
            _moving = true;
            RequestContext.Set(IPlacementDirector.PlacementHintKey, reader);
            MigrateOnIdle();
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
        return _moving;
    }

    public void OnDehydrate(IDehydrationContext dehydrationContext)
    {
        dehydrationContext.TryAddValue(BatchesKey, _batches.ToList());
        dehydrationContext.TryAddValue(ActivationKey, _activation);
        dehydrationContext.TryAddValue(LastSequenceKey, _lastSequence);
    }

    public void OnRehydrate(IRehydrationContext rehydrationContext)
    {
        if (rehydrationContext.TryGetValue(BatchesKey, out List<ChatQueueBatch>? batches))
        {
            foreach (var batch in batches)
            {
                _batches.Enqueue(batch);
            }
        }
        if (rehydrationContext.TryGetValue(ActivationKey, out Guid activation))
        {
            _activation = activation;
        }
        if (rehydrationContext.TryGetValue(LastSequenceKey, out long lastSequence))
        {
            _lastSequence = lastSequence;
        }
    }
}
