using Orleans.Streams;

namespace ChatApp.Streaming;

/// <summary>
/// A pulling agent's reader of one queue. The agent asks on a short timer and keeps asking
/// while batches come; each ask waits in the queue grain until an event arrives or the wait
/// ends, so the agent hears of an event at once and, idle, wakes once per wait.
/// </summary>
public sealed class ChatQueueReceiver(IChatQueueGrain queue, ChatQueueOptions options) : IQueueAdapterReceiver
{
    private volatile bool _stopped;

    public Task Initialize(TimeSpan timeout) => Task.CompletedTask;

    [Obsolete("The agent calls the overload with a CancellationToken.")]
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        if (_stopped || cancellationToken.IsCancellationRequested)
        {
            return [];
        }
        var limit = maxCount < 0 ? options.MaxBatchesPerDequeue : Math.Min(maxCount, options.MaxBatchesPerDequeue);
        try
        {
            // The agent cancels when it stops (its silo shutting down, or the queue moving to another
            // silo): it would drop whatever this read returned anyway, so it need not wait out the
            // dequeue. Events the abandoned dequeue takes are lost to the stream, not to the room:
            // gateways fill such gaps from the event log.
            return [.. await queue.Dequeue(limit, options.DequeueWait).WaitAsync(cancellationToken)];
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return [];
        }
    }

    // Delivered batches are already gone from the queue grain: nothing to acknowledge.
    [Obsolete("The agent calls the overload with a CancellationToken.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => Task.CompletedTask;

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task Shutdown(TimeSpan timeout)
    {
        _stopped = true;
        return Task.CompletedTask;
    }
}
