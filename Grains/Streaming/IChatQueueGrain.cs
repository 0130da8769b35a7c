using Orleans.Concurrency;

namespace ChatApp.Streaming;

/// <summary>
/// One queue of the chat streams, shared by the producers of every silo and read by the one
/// pulling agent that owns the queue. A dequeue waits for the next event instead of answering
/// empty, so an idle queue costs one call per wait, not one per polling period.
/// </summary>
[Alias("ChatApp.Streaming.IChatQueueGrain")]
public interface IChatQueueGrain : IGrainWithStringKey
{
    [Alias("Enqueue")]
    Task Enqueue(ChatQueueBatch batch);

    /// <summary>Up to <paramref name="maxCount"/> batches, waiting at most <paramref name="wait"/> for the first.</summary>
    // Interleaved: a waiting dequeue must let the enqueue that ends its wait in.
    [AlwaysInterleave, Alias("Dequeue")]
    Task<IReadOnlyList<ChatQueueBatch>> Dequeue(int maxCount, TimeSpan wait);
}
