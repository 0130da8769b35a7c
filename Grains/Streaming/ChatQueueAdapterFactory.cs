using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace ChatApp.Streaming;

/// <summary>
/// The chat streams' queue provider: Orleans' persistent-stream machinery (pulling agents,
/// implicit subscriptions, a cache per queue) over <see cref="IChatQueueGrain"/> queues.
/// </summary>
public sealed class ChatQueueAdapterFactory(string name, ChatQueueOptions options, IGrainFactory grains, ILoggerFactory loggers, SiloAddress here) : IQueueAdapterFactory
{
    private readonly HashRingBasedStreamQueueMapper _mapper = new(new HashRingStreamQueueMapperOptions { TotalQueueCount = options.QueueCount }, name);
    private readonly SimpleQueueAdapterCache _cache = new(new SimpleQueueCacheOptions(), name, loggers);

    /// <summary>For <c>AddPersistentStreams</c>: one factory per provider name.</summary>
    public static ChatQueueAdapterFactory Create(IServiceProvider services, string name) =>
        new(name, services.GetRequiredService<IOptions<ChatQueueOptions>>().Value, services.GetRequiredService<IGrainFactory>(), services.GetRequiredService<ILoggerFactory>(),
            services.GetRequiredService<ILocalSiloDetails>().SiloAddress);

    [Obsolete("The provider calls the overload with a CancellationToken.")]
    public Task<IQueueAdapter> CreateAdapter() => CreateAdapter(CancellationToken.None);

    public Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken) =>
        Task.FromResult<IQueueAdapter>(new ChatQueueAdapter(name, _mapper, grains, options, here));

    public IQueueAdapterCache GetQueueAdapterCache() => _cache;

    public IStreamQueueMapper GetStreamQueueMapper() => _mapper;

    // An event that cannot be delivered is not retried from here: the event log repairs the gap.
    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) =>
        Task.FromResult<IStreamFailureHandler>(new NoOpStreamDeliveryFailureHandler());
}
