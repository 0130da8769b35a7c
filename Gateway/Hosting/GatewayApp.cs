using Microsoft.Extensions.Configuration.Memory;
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
        // Defaults beneath every other source, so that appsettings, the environment and the command
        // line still decide. ASP.NET Core logs four lines per HTTP request at Information; at a few
        // hundred requests a second they cost a measurable share of each (history p99 25.3 ms with
        // them, bench/README.md), so, as in Microsoft's templates, they start at Warning.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning" },
        });
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
