using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ChatApp.Bench.LoadGen.Measure;

namespace ChatApp.Bench.LoadGen.Hold;

/// <summary>
/// The load generator's side of one holder process (<see cref="Holder"/>): starts it, sends it
/// commands, reads its answers. Its CPU counts as the load generator's (<see cref="ProcessStats.Helpers"/>);
/// it is told to close, and killed if it has not ended 30 s later.
/// </summary>
public sealed class HolderProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task _reader;
    private readonly Lock _gate = new();
    private TaskCompletionSource<HolderEvent> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HolderProcess(Process process)
    {
        _process = process;
        ProcessStats.Helpers[process.Id] = true;
        _reader = Task.Run(ReadAsync);
    }

    public int Pid => _process.Id;

    /// <summary>The holder's last progress report while connecting.</summary>
    public HolderEvent Progress { get; private set; } = new("progress");

    public static HolderProcess Start(double maxSeconds)
    {
        // Run as this process runs: `dotnet ChatApp.Bench.LoadGen.dll` or the apphost.
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var info = new ProcessStartInfo(self)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            info.ArgumentList.Add(typeof(HolderProcess).Assembly.Location);
        }
        info.ArgumentList.Add("hold");
        info.ArgumentList.Add("--max-seconds");
        info.ArgumentList.Add(maxSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new HolderProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start a holder process"));
    }

    /// <summary>Sends a command and waits for its answer (progress lines in between are kept in <see cref="Progress"/>).</summary>
    public async Task<HolderEvent> AskAsync(HolderCommand command, TimeSpan limit, CancellationToken cancellationToken)
    {
        Task<HolderEvent> answer;
        lock (_gate)
        {
            _answer = new TaskCompletionSource<HolderEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
            answer = _answer.Task;
        }
        await _process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(command, Holder.Lines).AsMemory(), cancellationToken);
        await _process.StandardInput.FlushAsync(cancellationToken);
        return await answer.WaitAsync(limit, cancellationToken);
    }

    private async Task ReadAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            var e = JsonSerializer.Deserialize<HolderEvent>(line, Holder.Lines)!;
            if (e.Event == "progress")
            {
                Progress = e;
                continue;
            }
            lock (_gate)
            {
                _answer.TrySetResult(e);
            }
        }
        lock (_gate)
        {
            _answer.TrySetException(new InvalidOperationException($"holder process {_process.Id} ended"));
        }
    }

    /// <summary>The hard limit of open files of a process here (each socket is one): it sets how many sockets one holder may take.</summary>
    public static long OpenFileLimit()
    {
        var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var fields = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields is { Length: >= 5 } && long.TryParse(fields[4], CultureInfo.InvariantCulture, out var hard) ? hard : 1_048_576;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await AskAsync(new HolderCommand("close"), TimeSpan.FromSeconds(30), CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or IOException)
        {
            // Killed below.
        }
        using (var exited = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try
            {
                await _process.WaitForExitAsync(exited.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        ProcessStats.Helpers.TryRemove(_process.Id, out _);
        await _reader.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _process.Dispose();
    }
}
