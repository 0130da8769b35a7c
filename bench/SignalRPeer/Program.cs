using ChatApp.Bench.SignalRPeer;
using Npgsql;

// The SignalR peer of the benchmark (bench/README.md, "Peers"): rooms are SignalR groups, and a
// message is inserted into PostgreSQL before the hub broadcasts it and returns. Configured as the
// tutorial leaves it (JSON hub protocol, default options), with its own database named by
// ConnectionStrings__Chat.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var connectionString = builder.Configuration.GetConnectionString("Chat")
    ?? throw new InvalidOperationException("ConnectionStrings__Chat names the peer's database");
builder.Services.AddSingleton(NpgsqlDataSource.Create(connectionString));
builder.Services.AddSingleton<MessageStore>();
builder.Services.AddSignalR();

var app = builder.Build();
await app.Services.GetRequiredService<MessageStore>().CreateTableAsync();
app.MapGet("/healthz", () => "ok");
app.MapHub<ChatHub>("/chat");
app.Run();
