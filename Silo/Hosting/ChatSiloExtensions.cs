using ChatApp.Rooms;
using ChatApp.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

// In Orleans' own namespace, so that `silo.UseChatApp(...)` reads like the built-in calls beside it.
namespace Orleans.Hosting;

public static class ChatSiloExtensions
{
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
        silo.AddMemoryStreams(ChatStreams.Provider);
        silo.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        silo.Services.AddSingleton<RoomLog>();
        silo.Services.AddOptions<RoomLimits>().BindConfiguration("Limits");
        silo.Services.AddSingleton<ChatApp.Users.UnreadCounts>();
        silo.Services.AddSingleton<ChatApp.Observability.ChatMetrics>();
        silo.Services.AddSingleton(TimeProvider.System);
        return silo;
    }
}
