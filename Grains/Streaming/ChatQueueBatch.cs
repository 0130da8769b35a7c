using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace ChatApp.Streaming;

/// <summary>
/// The events one producer call put on one stream, as they wait in a chat queue. The queue gives
/// each batch its place (<see cref="Sequence"/>) when it arrives; the events travel as objects,
/// each serialized with its own generated serializer.
/// </summary>
[GenerateSerializer, Immutable, Alias("ChatApp.Streaming.ChatQueueBatch")]
public sealed class ChatQueueBatch(StreamId streamId, IReadOnlyList<object> events, Dictionary<string, object>? requestContext, long sequence)
    : IBatchContainer
{
    [Id(0)] public StreamId StreamId { get; } = streamId;

    [Id(1)] public IReadOnlyList<object> Events { get; } = events;

    [Id(2)] public Dictionary<string, object>? RequestContext { get; } = requestContext;

    /// <summary>The batch's place in its queue; -1 until the queue has taken it.</summary>
    [Id(3)] public long Sequence { get; } = sequence;

    public StreamSequenceToken SequenceToken => new EventSequenceTokenV2(Sequence);

    public ChatQueueBatch Placed(long sequence) => new(StreamId, Events, RequestContext, sequence);

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>() =>
        Events.Select((e, i) => (e, i)).Where(x => x.e is T)
            .Select(x => Tuple.Create((T)x.e, (StreamSequenceToken)new EventSequenceTokenV2(Sequence, x.i)));

    public bool ImportRequestContext()
    {
        if (RequestContext is null)
        {
            return false;
        }
        RequestContextExtensions.Import(RequestContext);
        return true;
    }
}
