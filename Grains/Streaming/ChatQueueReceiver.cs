using Orleans.Streams;

namespace ChatApp.Streaming;

/// <summary>
/// A pulling agent's reader of one queue. The agent asks on a short timer and keeps asking
/// while batches come; each ask waits in the queue grain until an event arrives or the wait
/// ends, so the agent hears of an event at once and, idle, wakes once per wait. Each ask names
/// the agent's silo (<paramref name="here"/>), where the queue then moves.
/// </summary>
public sealed class ChatQueueReceiver(IChatQueueGrain queue, ChatQueueOptions options, SiloAddress here) : IQueueAdapterReceiver
{
    private volatile bool _stopped;
    // The last batch handed to the agent, and the queue activation that placed it; the next read
    // tells the queue it may forget it.
    private Guid _activation;
    private long _taken = -1;

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
            // silo) and would drop whatever this read returned, so it need not wait the read out.
            // The batches of an abandoned read stay queued for the queue's next agent.
            var read = await queue.Read(_activation, _taken, limit, options.DequeueWait, here).WaitAsync(cancellationToken);
            if (cancellationToken.IsCancellationRequested)
            {
                return [];
            }
            if (read.Batches.Count > 0)
            {
                (_activation, _taken) = (read.Activation, read.Batches[^1].Sequence);
            }
            return [.. read.Batches];
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
