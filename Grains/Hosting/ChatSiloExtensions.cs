using ChatApp.Rooms;
using ChatApp.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Configuration;

// In Orleans' own namespace, so that `silo.UseChatApp(...)` reads like the built-in calls beside it.
namespace Orleans.Hosting;

public static class ChatSiloExtensions
{
    /// <summary>How often an idle pulling agent asks its queue again after a wait ended empty, unless configured.</summary>
    public static readonly TimeSpan StreamPullPeriod = TimeSpan.FromMilliseconds(10);

    /// <summary>Overrides of <see cref="StreamPullingAgentOptions"/> (Orleans__Streams__PullingAgent__GetQueueMsgsTimerPeriod=00:00:00.05).</summary>
    public const string PullingAgentSection = "Orleans:Streams:PullingAgent";

    /// <summary>Overrides of <see cref="ChatApp.Streaming.ChatQueueOptions"/> (Orleans__Streams__Queues__DequeueWait=00:00:02).</summary>
    public const string QueuesSection = "Orleans:Streams:Queues";

    /// <summary>
    /// Everything a ChatApp silo needs beyond clustering: grain state in PostgreSQL, the chat
    /// stream provider, and the database access the grains use.
    /// Shared by the real silo and the test clusters, so tests run the same wiring.
    /// </summary>
    public static ISiloBuilder UseChatApp(this ISiloBuilder silo, string connectionString)
    {
        silo.AddAdoNetGrainStorage(StorageNames.Chat, o =>
        {
            o.Invariant = "Npgsql";
            o.ConnectionString = connectionString;
        });
        // Read and written by no silo of this release (its streams keep no pub-sub state, below). It
        // serves a rolling upgrade from the release before, whose silos' pulling agents still ask a
        // pub-sub grain per stream, which Orleans may place on a silo of this release: without the
        // store that grain could not activate there. To be dropped in the release after this one.
        silo.AddAdoNetGrainStorage(StorageNames.PubSub, o =>
        {
            o.Invariant = "Npgsql";
            o.ConnectionString = connectionString;
        });
        // Orleans' memory streams poll each queue grain on a timer, and an event waits for the next
        // poll: at 10 ms that was 8 queue calls per 10 ms with nothing to carry (8-12 % of a core per
        // silo). The chat queues answer a dequeue when an event arrives instead (ChatQueueGrain).
        silo.Services.AddOptions<ChatApp.Streaming.ChatQueueOptions>().BindConfiguration(QueuesSection);
        silo.AddPersistentStreams(ChatStreams.Provider, ChatApp.Streaming.ChatQueueAdapterFactory.Create, streams =>
        {
            // A room's only subscriber is its relay, subscribed by the attribute on its class, which
            // every silo knows from its code. Orleans' default also keeps a pub-sub grain per stream,
            // for subscriptions made at run time, and stores it: per room an activation, a read and
            // writes in PostgreSQL as agents take the stream up and let it go, none of which any
            // grain of ours needs (nothing calls SubscribeAsync; such a call would now throw).
            streams.ConfigureStreamPubSub(Orleans.Streams.StreamPubSubType.ImplicitOnly);
            streams.ConfigurePullingAgent(agent =>
            {
                // The period only spaces one wait from the next; the wait itself ends on an event.
                agent.Configure(o =>
                {
                    o.GetQueueMsgsTimerPeriod = StreamPullPeriod;
                    o.MaxEventDeliveryTime = ChatApp.Streaming.RelayDeliveryRetries.GiveUpAfter;
                });
                agent.BindConfiguration(PullingAgentSection);
            });
            streams.ConfigureBackoffProvider((_, _) => new ChatApp.Streaming.RelayDeliveryRetries());
        });
        // Driver exceptions become the contract's error before they reach Orleans' serializer.
        silo.AddIncomingGrainCallFilter<DatabaseFailureFilter>();
        // What no grain call sees (an activation whose state could not be read) Orleans sends as it
        // is: its exception codec must carry the driver's types, or the caller gets CodecNotFoundException.
        silo.Services.Configure<Orleans.Serialization.ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Npgsql"));
        silo.Services.AddSingleton(_ => ChatDataSource(connectionString));
        silo.Services.AddSingleton(_ => new ChatApp.Search.SearchDatabase(connectionString));
        silo.Services.AddOptions<GroupCommitOptions>().BindConfiguration(GroupCommitOptions.Section);
        silo.Services.AddSingleton<GroupCommit>();
        silo.Services.AddSingleton<RoomLog>();
        silo.Services.AddSingleton<MembershipLog>();
        silo.Services.AddSingleton<ReactionLog>();
        silo.Services.AddSingleton<AttachmentLinks>();
        silo.Services.AddSingleton<EmptyRooms>();
        silo.Services.AddSingleton<RoomInvitations>();
        silo.Services.AddSingleton<RoomInviteLinks>();
        silo.Services.AddSingleton<ChatApp.Users.ReadMarkers>();
        silo.Services.AddSingleton<ChatApp.Users.SessionRows>();
        silo.Services.AddOptions<RoomLimits>().BindConfiguration("Limits");
        silo.Services.AddOptions<ChatApp.Users.PresenceOptions>().BindConfiguration("Presence");
        silo.Services.AddOptions<ChatApp.Search.SearchOptions>().BindConfiguration(ChatApp.Search.SearchOptions.Section);
        silo.Services.AddSingleton<ChatApp.Users.UnreadCounts>();
        silo.Services.AddSingleton<ChatApp.Users.TokenVersions>();
        silo.Services.AddSingleton<ChatApp.Users.EndedDeviceRows>();
        silo.Services.AddSingleton<ChatApp.Observability.ChatMetrics>();
        silo.Services.AddSingleton(TimeProvider.System);
        silo.Services.AddSingleton<ChatApp.Gateways.LeaseHolds>();
        return silo;
    }

    /// <summary>
    /// The grains' connections to PostgreSQL. The same few statements run thousands of times a
    /// second, so the driver prepares them once per connection (pgbench on this machine: 5,421
    /// transactions/s unprepared, 8,863 prepared) unless the connection string says otherwise.
    /// </summary>
    /// <remarks>
    /// Nor is a connection reset when it goes back to the pool, unless the connection string says
    /// so: with statements auto-prepared, Npgsql's reset is seven statements (DISCARD ALL spelled
    /// out) sent before the next checkout's own, one more batch for PostgreSQL per join, hello or
    /// history read. Nothing the grains run leaves session state behind to reset: no SET outside
    /// a transaction, no temporary table, no advisory lock, no LISTEN (the search's transaction-
    /// local statement_timeout runs on a data source of its own), and an open transaction is still
    /// rolled back on close.
    /// </remarks>
    public static NpgsqlDataSource ChatDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
        }
        // Npgsql's own ContainsKey answers whether a keyword exists, not whether it was given.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
        {
            builder.ConnectionStringBuilder.NoResetOnClose = true;
        }
        return builder.Build();
    }
}
