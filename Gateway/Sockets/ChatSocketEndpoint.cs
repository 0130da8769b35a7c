using Microsoft.Extensions.Options;

namespace ChatApp.Gateway.Sockets;

/// <summary><c>GET /ws</c>: the origin check, the upgrade, and a reader for the socket's life.</summary>
public static class ChatSocketEndpoint
{
    public static IEndpointConventionBuilder MapChatSocket(this IEndpointRouteBuilder routes) =>
        routes.Map("/ws", Accept);

    private static async Task Accept(HttpContext http, SocketReader reader, IOptions<ChatSocketOptions> options, IHostApplicationLifetime lifetime)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        // Browsers always send Origin: refusing foreign ones stops other sites riding a user's session.
        if (http.Request.Headers.Origin is [{ } origin] && !IsAllowed(origin, http.Request, options.Value))
        {
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        await reader.RunAsync(socket, lifetime.ApplicationStopping);
    }

    private static bool IsAllowed(string origin, HttpRequest request, ChatSocketOptions options) =>
        string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase)
        || options.AllowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase);
}
