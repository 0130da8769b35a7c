using ChatApp.Bench.Baseline;

// A bare WebSocket chat server speaking the subset of docs/protocol.md that the load generator
// uses (hello, join, send, ping), with rooms in memory. It is what this machine can do for the
// same load with nothing in the way: ChatApp's figures are reported as a ratio to it.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSingleton<RoomTable>();
builder.Services.AddSingleton<BaselineSession>();

var app = builder.Build();
app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
app.MapGet("/healthz", () => "ok");
app.Map("/ws", BaselineSession.AcceptAsync);
app.Run();
