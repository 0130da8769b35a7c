using ChatApp.Bench.LoadGen.Setup;

namespace ChatApp.Bench.LoadGen.Protocol;

/// <summary>What a system's clients speak: docs/protocol.md (ChatApp and the baseline), a SignalR hub, or XMPP over WebSocket.</summary>
public enum ClientProtocol
{
    ChatApp,
    SignalR,
    Xmpp,
}

/// <summary>Opens an authenticated client of any system: the one place that knows which client class speaks which protocol.</summary>
public static class ProtocolClients
{
    /// <summary>Connects and authenticates (ChatApp: hello with the token; SignalR: the hub's start; XMPP: SASL PLAIN and bind).</summary>
    public static async Task<(ChatClient? Client, Reply Hello)> OpenAsync(
        Target target, int index, BenchUser user, IMessageSink sink, HttpMessageInvoker invoker, CancellationToken cancellationToken)
    {
        var uri = target.WebSocketFor(index);
        switch (target.Protocol)
        {
            case ClientProtocol.SignalR:
                return await SignalRClient.ConnectAsync(uri, invoker, index, user.Name, sink, cancellationToken);
            case ClientProtocol.Xmpp:
                return await XmppClient.ConnectAsync(uri, invoker, index, user.Name, user.Token, sink, cancellationToken);
            default:
                var client = await BenchClient.ConnectAsync(uri, invoker, index, user.Name, sink, cancellationToken);
                var hello = await client.HelloAsync(user.Token).WaitAsync(cancellationToken);
                if (hello.Ok)
                {
                    return (client, hello);
                }
                await client.CloseAsync(TimeSpan.FromSeconds(1));
                return (null, hello);
        }
    }
}
