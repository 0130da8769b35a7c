namespace ChatApp.Bench.LoadGen.Setup;

/// <summary>A system under test: ChatApp (gateway and silos) or the bare baseline server.</summary>
public sealed record Target(string Name, Uri Http, IReadOnlyDictionary<string, int> Pids, bool IsChatApp)
{
    public const string ChatAppName = "chatapp";
    public const string BaselineName = "baseline";

    public Uri WebSocket => new UriBuilder(Http) { Scheme = Http.Scheme == "https" ? "wss" : "ws", Path = "/ws" }.Uri;

    public long RssBytes() => Pids.Values.Sum(Measure.ProcessStats.RssBytes);

    /// <summary>"gateway=123,silo0=456" → names and pids.</summary>
    public static IReadOnlyDictionary<string, int> ParsePids(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('='))
            .ToDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
}
