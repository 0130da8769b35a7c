using System.Net.WebSockets;

namespace ChatApp.Gateway.Protocol;

/// <summary>The WebSocket close statuses the contract uses, by what they mean to a ChatApp client.</summary>
public static class CloseCodes
{
    /// <summary>1001: the server is shutting down; reconnect, perhaps elsewhere.</summary>
    public const WebSocketCloseStatus GoingAway = WebSocketCloseStatus.EndpointUnavailable;

    /// <summary>1008: no valid hello; reconnecting with the same token will not help.</summary>
    public const WebSocketCloseStatus Unauthorized = WebSocketCloseStatus.PolicyViolation;

    /// <summary>1009: a frame over the size limit.</summary>
    public const WebSocketCloseStatus TooBig = WebSocketCloseStatus.MessageTooBig;

    /// <summary>1013: the client could not keep up; reconnect and resume.</summary>
    public const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;
}
