namespace ChatApp.Streaming;

/// <summary>
/// Holds a queue's batches in memory between producers and its agent. Like Orleans' memory
/// streams it is not durable: a batch lost with its silo is repaired by the gateways from the
/// room's event log, which is the truth.
/// </summary>
public sealed class ChatQueueGrain : Grain, IChatQueueGrain
{
    private readonly Queue<ChatQueueBatch> _batches = new();
    private readonly Guid _activation = Guid.NewGuid();
    private TaskCompletionSource? _arrival;
    private long _nextSequence;

    public Task Enqueue(ChatQueueBatch batch)
    {
        _batches.Enqueue(batch.Placed(_nextSequence++));
        // Wakes every waiting read; their continuations run later, on this grain's turns.
        _arrival?.TrySetResult();
        _arrival = null;
        return Task.CompletedTask;
    }

    public async Task<ChatQueueRead> Read(Guid activation, long taken, int maxCount, TimeSpan wait)
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
        if (_batches.Count == 0 && wait > TimeSpan.Zero)
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
}
