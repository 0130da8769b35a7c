using ChatApp.Gateway.Observability;

namespace ChatApp.Gateway.Hosting;

/// <summary>Builds the gateway; the program runs it, and tests start the same thing on a free port.</summary>
public static class GatewayApp
{
    /// <param name="args">The command line, as the program gets it.</param>
    /// <param name="configure">For tests: last changes to the services (a log capture, say) before the app is built.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddChatCluster();
        builder.AddChatApi();
        builder.AddChatSockets();
        builder.AddChatOperations();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapChat();
        app.MapChatOperations();
        return app;
    }
}
