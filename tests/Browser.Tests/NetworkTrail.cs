using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Playwright;

namespace ChatApp.Tests.Browser;

/// <summary>
/// What the page asked of the server: each API call with when it started and how it ended, and any
/// other request (a script, a style) that failed, so that a step that timed out can say whether the
/// request never left, is still waiting for the server, or failed, and whether the page's own code loaded.
/// </summary>
public sealed class NetworkTrail
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public NetworkTrail(IPage page)
    {
        page.Request += (_, request) => NoteCall(request, "sent");
        page.RequestFinished += (_, request) => NoteCall(request, "answered");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                Note($"{response.Request.Method} {PathOf(response.Request)} answered {response.Status}");
            }
        };
        page.RequestFailed += (_, request) => Note($"{request.Method} {PathOf(request)} failed ({request.Failure})");
        page.Load += (_, _) => Note("page loaded");
    }

    public override string ToString() => _lines.IsEmpty ? "nothing" : string.Join(" | ", _lines);

    private void NoteCall(Microsoft.Playwright.IRequest request, string what)
    {
        if (PathOf(request).StartsWith("/api/", StringComparison.Ordinal))
        {
            Note($"{request.Method} {PathOf(request)} {what}");
        }
    }

    private void Note(string what)
    {
        _lines.Enqueue($"{_clock.Elapsed.TotalSeconds:0.000} s {what}");
        // The last lines are the ones a timed-out step needs; a long test's early ones are noise.
        while (_lines.Count > 30 && _lines.TryDequeue(out _))
        {
        }
    }

    private static string PathOf(Microsoft.Playwright.IRequest request) => new Uri(request.Url).AbsolutePath;
}
