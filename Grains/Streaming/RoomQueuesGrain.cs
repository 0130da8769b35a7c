using ChatApp.Rooms;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace ChatApp.Streaming;

/// <summary>Answers from the mapping the silo's own stream provider uses: nothing is read or called.</summary>
[StatelessWorker(1)]
public sealed class RoomQueuesGrain(IOptions<ChatQueueOptions> options) : Grain, IRoomQueuesGrain
{
    private readonly Orleans.Streams.IStreamQueueMapper _mapper = ChatQueueAdapterFactory.Mapper(ChatStreams.Provider, options.Value);

    public Task<string[]> QueuesOf(RoomId[] rooms) =>
        Task.FromResult(rooms.Select(room => _mapper.GetQueueForStream(RoomStreamIds.Of(room)).ToString()).ToArray());
}
