namespace ChatApp.Gateway.Hosting;

/// <summary>Builds the gateway; the program runs it, and tests start the same thing on a free port.</summary>
public static class GatewayApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddChatCluster();
        builder.AddChatApi();
        builder.AddChatSockets();

        var app = builder.Build();
        app.MapChat();
        return app;
    }
}
