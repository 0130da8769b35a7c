using System.Globalization;
using ChatApp.Errors;
using ChatApp.Gateway.Contract;
using ChatApp.Gateway.Observability;
using Microsoft.Extensions.Options;

namespace ChatApp.Gateway.Sockets;

/// <summary><c>GET /ws</c>: the origin check, the upgrade, and a reader for the socket's life.</summary>
public static class ChatSocketEndpoint
{
    public static IEndpointConventionBuilder MapChatSocket(this IEndpointRouteBuilder routes) =>
        routes.Map("/ws", Accept);

    private static async Task Accept(
        HttpContext http, SocketReader reader, SocketSeats seats, SocketWarmup warmup, GatewayMetrics metrics, IOptions<ChatSocketOptions> options, IHostApplicationLifetime lifetime)
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
        // The seat is held from before the upgrade to the socket's end, whatever ends it. The
        // gateway's own warm-up sockets come from loopback as a local user's do: they sit apart.
        var from = warmup.IsOwn(http.Request) ? SocketSeats.Warmup : http.Connection.RemoteIpAddress;
        using var seat = seats.TryTake(from, out var refusal);
        if (seat is null)
        {
            await RefuseAsync(http, refusal, metrics);
            return;
        }
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        await reader.RunAsync(socket, lifetime.ApplicationStopping);
    }

    /// <summary>
    /// Refused before the upgrade, as an HTTP problem: nothing of a socket is spent on it. Too many
    /// from one address is that client's limit (429); a full gateway is for anyone (503).
    /// </summary>
    private static Task RefuseAsync(HttpContext http, SocketSeats.Refusal refusal, GatewayMetrics metrics)
    {
        var wait = TimeSpan.FromSeconds(5);
        var error = refusal == SocketSeats.Refusal.Address
            ? ChatException.RateLimited(wait, "Too many sockets from this address; close one or retry later.")
            : new ChatException(ErrorCodes.Unavailable, "This gateway holds all the sockets it may; retry later.");
        metrics.RateLimited(refusal == SocketSeats.Refusal.Address ? "sockets-per-address" : "sockets");
        http.Response.Headers.RetryAfter = wait.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        return ChatProblems.Problem(error).ExecuteAsync(http);
    }

    private static bool IsAllowed(string origin, HttpRequest request, ChatSocketOptions options) =>
        string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase)
        || options.AllowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase);
}
