using Orleans.Streams;

namespace ChatApp.Streaming;

/// <summary>Puts each producer's events on the queue grain its stream maps to, and reads queues through receivers.</summary>
public sealed class ChatQueueAdapter(string name, IStreamQueueMapper mapper, IGrainFactory grains, ChatQueueOptions options, SiloAddress here) : IQueueAdapter
{
    public string Name => name;

    // Events live only until delivered: a consumer cannot rewind (the event log can).
    public bool IsRewindable => false;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    public Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        if (token is not null)
        {
            throw new ArgumentException("The chat queues place events themselves; a producer's token cannot be kept.", nameof(token));
        }
        var batch = new ChatQueueBatch(streamId, [.. events.Cast<object>()], requestContext is { Count: > 0 } ? requestContext : null, -1);
        return Queue(grains, mapper.GetQueueForStream(streamId)).Enqueue(batch);
    }

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) => new ChatQueueReceiver(Queue(grains, queueId), options, here);

    internal static IChatQueueGrain Queue(IGrainFactory grains, QueueId queueId) => grains.GetGrain<IChatQueueGrain>(queueId.ToString());
}
