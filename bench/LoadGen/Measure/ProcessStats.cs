using System.Globalization;

namespace ChatApp.Bench.LoadGen.Measure;

/// <summary>Memory and CPU of processes, read from /proc (Linux).</summary>
public static class ProcessStats
{
    private static readonly double TicksPerSecond = 100; // USER_HZ; 100 on every Linux that .NET runs on

    /// <summary>Resident set size in bytes (VmRSS), or 0 when the process is gone.</summary>
    public static long RssBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }

    /// <summary>User plus system CPU seconds the process has used so far.</summary>
    public static double CpuSeconds(int pid) => StatCpuSeconds($"/proc/{pid}/stat");

    /// <summary>
    /// CPU seconds so far of each of a .NET process's tiered-compilation threads, by thread id: the JIT
    /// recompiling methods that turned hot, a share of any window in a server's first minutes. The
    /// runtime ends such a thread when it has nothing to compile and starts another later, so a
    /// window's JIT time is followed thread by thread (<see cref="JitWindow"/>).
    /// </summary>
    public static Dictionary<int, double> JitThreads(int pid)
    {
        try
        {
            return Directory.EnumerateDirectories($"/proc/{pid}/task")
                .Where(task => CommandName(task).StartsWith(".NET Tiered Com", StringComparison.Ordinal))
                .ToDictionary(task => int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture), task => StatCpuSeconds(Path.Combine(task, "stat")));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>The name in a process's or thread's /proc folder; empty when it ended or may not be read.</summary>
    private static string CommandName(string folder)
    {
        try
        {
            return File.ReadAllText(Path.Combine(folder, "comm")).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>utime + stime of a /proc stat file (a process's or a thread's), 0 when it is gone.</summary>
    private static double StatCpuSeconds(string path)
    {
        try
        {
            var stat = File.ReadAllText(path);
            // Fields after the command name (which may hold spaces), which ends at the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (Exception ex) when (ex is IOException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    /// <summary>
    /// Child processes of the load generator (holders of sockets), whose CPU counts as the load
    /// generator's rather than as "others".
    /// </summary>
    public static System.Collections.Concurrent.ConcurrentDictionary<int, bool> Helpers { get; } = new();

    /// <summary>
    /// The main process of the bench's own PostgreSQL cluster (--pg-pid), or null. When set, only it
    /// and its children count as PostgreSQL: another cluster on the machine (another checkout's
    /// bench, the development server) is load of somebody else's and belongs in "others".
    /// </summary>
    public static int? PostgresMain { get; set; }

    /// <summary>The PostgreSQL server processes the bench counts: those of its own cluster when known, else every one on the machine.</summary>
    public static IEnumerable<int> PostgresPids()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            var comm = CommandName(dir);
            if ((comm is "postgres" || comm.StartsWith("postgres:", StringComparison.Ordinal))
                && (PostgresMain is not { } main || pid == main || ParentPid(pid) == main))
            {
                yield return pid;
            }
        }
    }

    /// <summary>The parent's pid (field 4 of /proc/pid/stat), or 0 when the process is gone.</summary>
    private static int ParentPid(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    /// <summary>Busy and total jiffies of the whole machine, from the first line of /proc/stat.</summary>
    public static (long Busy, long Total) MachineJiffies()
    {
        var first = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var values = first.Skip(1).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var idle = values[3] + (values.Length > 4 ? values[4] : 0);
        var total = values.Take(8).Sum();
        return (total - idle, total);
    }

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }
}

/// <summary>
/// CPU used by each named process (and all PostgreSQL processes, and the machine) over a window,
/// as percent of one core: 200 means both cores of this machine.
/// </summary>
public sealed class CpuWindow
{
    private readonly IReadOnlyDictionary<string, int> _pids;
    private readonly Dictionary<string, double> _start;
    private readonly (long Busy, long Total) _machineStart;
    private readonly long _startedAt = System.Diagnostics.Stopwatch.GetTimestamp();

    public CpuWindow(IReadOnlyDictionary<string, int> pids)
    {
        _pids = pids;
        _start = Sample();
        _machineStart = ProcessStats.MachineJiffies();
    }

    public Dictionary<string, double> Stop()
    {
        var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(_startedAt).TotalSeconds;
        var end = Sample();
        var machine = ProcessStats.MachineJiffies();
        var result = end.Where(e => !e.Key.StartsWith("pg:", StringComparison.Ordinal))
            .ToDictionary(e => e.Key, e => Math.Round((e.Value - _start.GetValueOrDefault(e.Key)) / seconds * 100, 1));
        result["postgres"] = Math.Round(end.Where(e => e.Key.StartsWith("pg:", StringComparison.Ordinal) && _start.ContainsKey(e.Key))
            .Sum(e => e.Value - _start[e.Key]) / seconds * 100, 1);
        var busy = machine.Busy - _machineStart.Busy;
        var total = machine.Total - _machineStart.Total;
        result["machine"] = total == 0 ? 0 : Math.Round(busy * 100.0 * Environment.ProcessorCount / total, 1);
        // Whatever else ran on the machine meanwhile (other people's builds and tests, say).
        result["others"] = Math.Round(Math.Max(0, result["machine"] - result.Where(r => r.Key is not ("machine")).Sum(r => r.Value)), 1);
        return result;
    }

    private Dictionary<string, double> Sample()
    {
        var sample = _pids.ToDictionary(p => p.Key, p => ProcessStats.CpuSeconds(p.Value));
        // Per PostgreSQL process, so that one that came or went during the window does not count.
        foreach (var pid in ProcessStats.PostgresPids())
        {
            sample[$"pg:{pid}"] = ProcessStats.CpuSeconds(pid);
        }
        sample["loadgen"] = ProcessStats.CpuSeconds(Environment.ProcessId) + ProcessStats.Helpers.Keys.Sum(ProcessStats.CpuSeconds);
        return sample;
    }
}

/// <summary>
/// The JIT's CPU in some processes over a window, looked at often enough (<see cref="Look"/>, about once a
/// second) that a compiling thread which ends meanwhile loses at most its last look's worth.
/// </summary>
public sealed class JitWindow(IEnumerable<int> pids)
{
    private readonly int[] _pids = [.. pids];
    private readonly Dictionary<(int Pid, int Thread), (double First, double Last)> _threads = [];
    private bool _started;

    public void Look()
    {
        foreach (var pid in _pids)
        {
            foreach (var (thread, seconds) in ProcessStats.JitThreads(pid))
            {
                // A thread first seen after the window opened did all its compiling inside it.
                var first = _threads.TryGetValue((pid, thread), out var seen) ? seen.First : _started ? 0 : seconds;
                _threads[(pid, thread)] = (first, seconds);
            }
        }
        _started = true;
    }

    public double Seconds => _threads.Values.Sum(t => t.Last - t.First);
}
