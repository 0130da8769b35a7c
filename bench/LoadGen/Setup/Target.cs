using ChatApp.Bench.LoadGen.Protocol;

namespace ChatApp.Bench.LoadGen.Setup;

/// <summary>
/// A system under test: ChatApp (its gateways and silos), the bare baseline server (one or more
/// processes), or a peer people would pick instead (SignalR, ejabberd), with the protocol its
/// clients speak. Sockets are spread over its servers in turn; HTTP calls go to the first.
/// </summary>
public sealed record Target(string Name, IReadOnlyList<Uri> Servers, IReadOnlyDictionary<string, int> Pids, bool IsChatApp,
    ClientProtocol Protocol = ClientProtocol.ChatApp)
{
    public const string ChatAppName = "chatapp";
    public const string BaselineName = "baseline";
    public const string SignalRName = "signalr";
    public const string EjabberdName = "ejabberd";

    /// <summary>Every system in report order: ChatApp, the baseline (the ceiling), then the peers.</summary>
    public static readonly string[] Order = [ChatAppName, BaselineName, SignalRName, EjabberdName];

    /// <summary>How reports name a system.</summary>
    public static string Title(string name) => name switch
    {
        ChatAppName => "ChatApp",
        SignalRName => "SignalR",
        _ => name,
    };

    public Uri Http => Servers[0];

    /// <summary>The WebSocket endpoint of the server the socket of this index uses.</summary>
    public Uri WebSocketFor(int index)
    {
        var server = Servers[(int)((uint)index % (uint)Servers.Count)];
        var path = Protocol switch
        {
            ClientProtocol.SignalR => "/chat",
            _ => "/ws",
        };
        return new UriBuilder(server) { Scheme = server.Scheme == "https" ? "wss" : "ws", Path = path }.Uri;
    }

    public long RssBytes() => Pids.Values.Sum(Measure.ProcessStats.RssBytes);

    /// <summary>"http://127.0.0.1:5381,http://127.0.0.1:5382" → the servers, in order.</summary>
    public static IReadOnlyList<Uri> ParseServers(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u => new Uri(u))];

    /// <summary>"gateway=123,silo0=456" → names and pids.</summary>
    public static IReadOnlyDictionary<string, int> ParsePids(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('='))
            .ToDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
}
