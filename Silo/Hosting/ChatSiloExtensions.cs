using ChatApp.Rooms;
using ChatApp.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Configuration;

// In Orleans' own namespace, so that `silo.UseChatApp(...)` reads like the built-in calls beside it.
namespace Orleans.Hosting;

public static class ChatSiloExtensions
{
    /// <summary>How often the chat streams' pulling agents look for new events, unless configured.</summary>
    public static readonly TimeSpan StreamPullPeriod = TimeSpan.FromMilliseconds(10);

    /// <summary>Overrides of <see cref="StreamPullingAgentOptions"/> (Orleans__Streams__PullingAgent__GetQueueMsgsTimerPeriod=00:00:00.05).</summary>
    public const string PullingAgentSection = "Orleans:Streams:PullingAgent";

    /// <summary>
    /// Everything a ChatApp silo needs beyond clustering: grain state and stream subscriptions
    /// in PostgreSQL, the chat stream provider, and the database access the grains use.
    /// Shared by the real silo and the test clusters, so tests run the same wiring.
    /// </summary>
    public static ISiloBuilder UseChatApp(this ISiloBuilder silo, string connectionString)
    {
        silo.AddAdoNetGrainStorage(StorageNames.Chat, o =>
        {
            o.Invariant = "Npgsql";
            o.ConnectionString = connectionString;
        });
        // Stream subscriptions must survive a silo's death, so their store is PostgreSQL, not memory.
        silo.AddAdoNetGrainStorage(StorageNames.PubSub, o =>
        {
            o.Invariant = "Npgsql";
            o.ConnectionString = connectionString;
        });
        silo.AddMemoryStreams(ChatStreams.Provider, streams => streams.ConfigurePullingAgent(agent =>
        {
            // Each queue's agent polls on a timer, and an event waits for the next poll: Orleans'
            // 100 ms default was most of a message's delivery time (bench/README.md). Polling an
            // empty in-memory queue is one local call, so a short period costs little when idle.
            agent.Configure(o => o.GetQueueMsgsTimerPeriod = StreamPullPeriod);
            agent.BindConfiguration(PullingAgentSection);
        }));
        silo.Services.AddSingleton(_ => ChatDataSource(connectionString));
        silo.Services.AddSingleton(_ => new ChatApp.Search.SearchDatabase(connectionString));
        silo.Services.AddSingleton<GroupCommit>();
        silo.Services.AddSingleton<RoomLog>();
        silo.Services.AddSingleton<MembershipLog>();
        silo.Services.AddSingleton<ChatApp.Users.ReadMarkers>();
        silo.Services.AddOptions<RoomLimits>().BindConfiguration("Limits");
        silo.Services.AddOptions<ChatApp.Users.PresenceOptions>().BindConfiguration("Presence");
        silo.Services.AddSingleton<ChatApp.Users.UnreadCounts>();
        silo.Services.AddSingleton<ChatApp.Users.TokenVersions>();
        silo.Services.AddSingleton<ChatApp.Observability.ChatMetrics>();
        silo.Services.AddSingleton(TimeProvider.System);
        return silo;
    }

    /// <summary>
    /// The grains' connections to PostgreSQL. The same few statements run thousands of times a
    /// second, so the driver prepares them once per connection (pgbench on this machine: 5,421
    /// transactions/s unprepared, 8,863 prepared) unless the connection string says otherwise.
    /// </summary>
    private static NpgsqlDataSource ChatDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
        }
        return builder.Build();
    }
}
