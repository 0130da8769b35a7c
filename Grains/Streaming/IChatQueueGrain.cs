using Orleans.Concurrency;

namespace ChatApp.Streaming;

/// <summary>
/// One queue of the chat streams, shared by the producers of every silo and read by the one
/// pulling agent that owns the queue. A read waits for the next event instead of answering
/// empty, so an idle queue costs one call per wait, not one per polling period.
/// </summary>
[Alias("ChatApp.Streaming.IChatQueueGrain")]
public interface IChatQueueGrain : IGrainWithStringKey
{
    [Alias("Enqueue")]
    Task Enqueue(ChatQueueBatch batch);

    /// <summary>
    /// Forgets the batches up to <paramref name="taken"/> (the last sequence the reader handed on,
    /// when it was read from <paramref name="activation"/>), then answers up to <paramref name="maxCount"/> of the rest, waiting at most
    /// <paramref name="wait"/> for the first. What it answers stays queued until a later read says
    /// it was taken: a read whose reader stopped meanwhile loses nothing. A queue read from
    /// another silo than its own, <paramref name="reader"/>'s, moves there and does not wait.
    /// </summary>
    // Interleaved: a waiting read must let the enqueue that ends its wait in.
    [AlwaysInterleave, Alias("Read")]
    Task<ChatQueueRead> Read(Guid activation, long taken, int maxCount, TimeSpan wait, SiloAddress reader);
}
