namespace ChatApp.Bench.LoadGen.Measure;

/// <summary>
/// The servers' CPU over one phase of a scenario (the connects, the joins and the work they leave),
/// with the part that was their JIT: such a phase comes in the servers' first minutes, while the
/// runtime still recompiles what the phase makes hot, and that is spent once per process, not per
/// connect or join. Looks at the compiling threads once a second until stopped.
/// </summary>
public sealed class PhaseCpu : IAsyncDisposable
{
    private readonly CpuWindow _cpu;
    private readonly JitWindow _jit;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _looking;
    private readonly long _startedAt = System.Diagnostics.Stopwatch.GetTimestamp();

    public PhaseCpu(IReadOnlyDictionary<string, int> pids)
    {
        _cpu = new CpuWindow(pids);
        _jit = new JitWindow(pids.Values);
        _jit.Look();
        _looking = LookEverySecondAsync();
    }

    /// <summary>Ends the phase: each process's CPU in % of a core (as <see cref="CpuWindow"/>), the servers' JIT's share, and the phase's length.</summary>
    public async Task<(Dictionary<string, double> Cpu, double JitPercent, double Seconds)> StopAsync()
    {
        await _stop.CancelAsync();
        await _looking;
        var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(_startedAt).TotalSeconds;
        _jit.Look();
        return (_cpu.Stop(), _jit.Seconds / seconds * 100, seconds);
    }

    private async Task LookEverySecondAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token);
                _jit.Look();
            }
        }
        catch (OperationCanceledException)
        {
            // The phase ended.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _looking;
        _stop.Dispose();
    }
}
