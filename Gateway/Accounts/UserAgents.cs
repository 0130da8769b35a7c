namespace ChatApp.Gateway.Accounts;

/// <summary>
/// A short, human name for a browser from its User-Agent header ("Chrome on Linux"), which is what
/// the devices list shows; the raw header is long, and is the client's to write, so it is not kept.
/// </summary>
public static class UserAgents
{
    public static string Summary(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return "Unknown client";
        }
        var browser = Pick(userAgent, ("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chromium/", "Chromium"),
            ("HeadlessChrome/", "Chrome"), ("Chrome/", "Chrome"), ("Safari/", "Safari"));
        var system = Pick(userAgent, ("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"));
        return (browser, system) switch
        {
            (null, null) => "Other client",
            (_, null) => browser,
            (null, _) => $"A browser on {system}",
            _ => $"{browser} on {system}",
        };
    }

    private static string? Pick(string userAgent, params (string Marker, string Name)[] known) =>
        known.FirstOrDefault(k => userAgent.Contains(k.Marker, StringComparison.Ordinal)).Name;
}
