namespace ChatApp.Tests.Support;

/// <summary>The browser of the tests that drive a page through Playwright, and how it is started.</summary>
public static class Chromium
{
    /// <summary>Debian's Chromium: Playwright's own browser builds cannot be downloaded here, nor in CI.</summary>
    public const string Path = "/usr/bin/chromium";

    /// <summary>Chromium's switches for a headless run on a closed network.</summary>
    public static readonly IReadOnlyList<string> Args =
    [
        "--no-sandbox", // the tests run as root, where Chromium's sandbox refuses to start
        "--disable-gpu",
        // Without these Chromium keeps calling home (updates, sync, field trials) on a closed network.
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ];
}
