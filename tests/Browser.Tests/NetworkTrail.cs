using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Playwright;

namespace ChatApp.Tests.Browser;

/// <summary>
/// The page's calls to the API, each with when it started and how it ended, so that a step that
/// timed out can say whether the request never left, is still waiting for the server, or failed.
/// </summary>
public sealed class NetworkTrail
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public NetworkTrail(IPage page)
    {
        page.Request += (_, request) => Note(request, "sent");
        page.RequestFinished += (_, request) => Note(request, "answered");
        page.RequestFailed += (_, request) => Note(request, $"failed ({request.Failure})");
    }

    public override string ToString() => _lines.IsEmpty ? "no API calls" : string.Join(" | ", _lines);

    private void Note(Microsoft.Playwright.IRequest request, string what)
    {
        if (!new Uri(request.Url).AbsolutePath.StartsWith("/api/", StringComparison.Ordinal))
        {
            return;
        }
        _lines.Enqueue($"{_clock.Elapsed.TotalSeconds:0.000} s {request.Method} {new Uri(request.Url).AbsolutePath} {what}");
        // The last calls are the ones a timed-out step needs; a long test's early ones are noise.
        while (_lines.Count > 30 && _lines.TryDequeue(out _))
        {
        }
    }
}
