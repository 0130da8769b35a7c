namespace ChatApp.Streaming;

/// <summary>
/// Holds a queue's batches in memory between producers and its agent. Like Orleans' memory
/// streams it is not durable: a batch lost with its silo is repaired by the gateways from the
/// room's event log, which is the truth.
/// </summary>
public sealed class ChatQueueGrain : Grain, IChatQueueGrain
{
    private readonly Queue<ChatQueueBatch> _batches = new();
    private TaskCompletionSource? _arrival;
    private long _nextSequence;

    public Task Enqueue(ChatQueueBatch batch)
    {
        _batches.Enqueue(batch.Placed(_nextSequence++));
        // Wakes every waiting dequeue; their continuations run later, on this grain's turns.
        _arrival?.TrySetResult();
        _arrival = null;
        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<ChatQueueBatch>> Dequeue(int maxCount, TimeSpan wait)
    {
        if (_batches.Count == 0 && wait > TimeSpan.Zero)
        {
            _arrival ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            // A timeout is an ordinary empty answer; the agent asks again.
            await _arrival.Task.WaitAsync(wait)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        }
        var count = Math.Min(_batches.Count, maxCount < 0 ? int.MaxValue : maxCount);
        var taken = new List<ChatQueueBatch>(count);
        for (var i = 0; i < count; i++)
        {
            taken.Add(_batches.Dequeue());
        }
        return taken;
    }
}
