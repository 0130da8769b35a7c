using System.Diagnostics;

namespace ChatApp.Bench.LoadGen.Measure;

/// <summary>
/// The line that tells someone watching what the run is doing: rewritten in place every second
/// on a terminal, printed every five seconds when stderr goes to a file.
/// </summary>
public sealed class Progress : IAsyncDisposable
{
    private static readonly long Started = Stopwatch.GetTimestamp();
    private readonly string _title;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly bool _terminal = !Console.IsErrorRedirected;
    private volatile string _phase = "";
    private Func<string> _status = () => "";
    private long _phaseStarted = Stopwatch.GetTimestamp();

    public Progress(string title)
    {
        _title = title;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Starts a phase; its status line comes from <paramref name="status"/> until the next.</summary>
    public void Phase(string phase, Func<string>? status = null)
    {
        Flush();
        _phase = phase;
        _status = status ?? (() => "");
        _phaseStarted = Stopwatch.GetTimestamp();
        Write(newLine: !_terminal);
    }

    /// <summary>A line of its own, kept on screen.</summary>
    public void Note(string text)
    {
        Flush();
        Console.Error.WriteLine($"[{Clock()}] {_title} · {text}");
    }

    private async Task LoopAsync()
    {
        var tick = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                tick++;
                if (_terminal)
                {
                    Write(newLine: false);
                }
                else if (tick % 5 == 0)
                {
                    Write(newLine: true);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Write(bool newLine)
    {
        string status;
        try
        {
            status = _status();
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            status = "…";
        }
        var line = $"[{Clock()}] {_title} · {_phase} ({Stopwatch.GetElapsedTime(_phaseStarted).TotalSeconds:0}s) {status}";
        if (newLine)
        {
            Console.Error.WriteLine(line);
        }
        else
        {
            var width = 160;
            Console.Error.Write("\r" + (line.Length > width ? line[..width] : line.PadRight(width)));
        }
    }

    private void Flush()
    {
        if (_terminal && _phase.Length > 0)
        {
            Write(newLine: false);
            Console.Error.WriteLine();
        }
    }

    private static string Clock() => Stopwatch.GetElapsedTime(Started).ToString(@"mm\:ss", System.Globalization.CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        Flush();
        _stop.Dispose();
    }
}
