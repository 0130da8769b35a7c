namespace ChatApp.Streaming;

/// <summary>How the chat streams' queues are laid out and waited on (configuration section "Orleans:Streams:Queues").</summary>
public sealed class ChatQueueOptions
{
    /// <summary>
    /// Queues per stream provider: each is one queue grain and one pulling agent on some silo.
    /// More spread a busy cluster's events over more agents; each costs one waiting dequeue per
    /// <see cref="DequeueWait"/> when idle.
    /// </summary>
    public int QueueCount { get; set; } = 8;

    /// <summary>
    /// How long a dequeue waits for an event before answering empty. An event ends the wait at
    /// once, so this bounds only what an idle queue costs (one call per wait) and how long a
    /// silo's shutdown waits for its agents.
    /// </summary>
    public TimeSpan DequeueWait { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Batches handed to an agent per dequeue.</summary>
    public int MaxBatchesPerDequeue { get; set; } = 1024;
}
