using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ChatApp.Tests.Support;

namespace ChatApp.Tests.Failover.Supervision;

/// <summary>
/// The real <c>./run.sh</c>, started as a user starts it but with this test's build
/// (<c>--configuration Debug --no-build</c>), a throw-away database, ports, logs and certificates
/// of its own, so that it clashes with nothing else running on the machine. Every line it prints
/// (stdout and stderr, in order of arrival) is kept, so that a test can wait for what it says.
/// </summary>
public sealed partial class RunSh : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly Lock _gate = new();

    private RunSh(Process process, int port, int siloPort, int adminPort, string logDirectory)
    {
        _process = process;
        Port = port;
        SiloPort = siloPort;
        AdminPort = adminPort;
        LogDirectory = logDirectory;
    }

    /// <summary>Gateway 0's HTTP port (gateway n: + n).</summary>
    public int Port { get; }

    /// <summary>Silo 0's silo-to-silo port, the one the membership table names (silo n: + n).</summary>
    public int SiloPort { get; }

    /// <summary>Silo 0's admin port: dashboard, /metrics, /readyz (silo n: + n).</summary>
    public int AdminPort { get; }

    public string LogDirectory { get; }
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;
    public Uri GatewayBaseUri => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");
    public Uri GatewaySocketUri => new($"ws://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/ws");

    /// <summary>Silo <paramref name="index"/>'s admin root: the dashboard, /metrics, /readyz.</summary>
    public Uri SiloAdminUri(int index) => new($"http://127.0.0.1:{(AdminPort + index).ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>Everything run.sh printed so far, one entry a line.</summary>
    public IReadOnlyList<string> Lines
    {
        get { lock (_gate) { return [.. _lines]; } }
    }

    /// <summary>
    /// Starts <c>./run.sh --silos <paramref name="silos"/> --gateways <paramref name="gateways"/></c>
    /// against <paramref name="connectionString"/>, every port base a free range, plus <paramref name="options"/>;
    /// <paramref name="environment"/> is added to (or, with a null value, removed from) the test's.
    /// </summary>
    public static RunSh Start(string connectionString, int silos, int gateways, IEnumerable<string> options, IReadOnlyDictionary<string, string?> environment)
    {
        var (port, siloPort, adminPort) = (FreeRange(gateways), FreeRange(silos), FreeRange(silos));
        var scratch = Path.Combine(AppContext.BaseDirectory, "run-sh", Guid.NewGuid().ToString("N")[..12]);
        var logs = Path.Combine(scratch, "logs");
        // Through env --default-signal=INT, which then becomes run.sh: a process started in the
        // background of a script inherits SIGINT ignored, and bash cannot trap a signal ignored on
        // entry; a user's run.sh in a terminal has it at its default, and so does this one.
        var info = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = ChatSystem.RepositoryRoot,
        };
        foreach (var arg in new[]
        {
            "--default-signal=INT", Path.Combine(ChatSystem.RepositoryRoot, "run.sh"),
            "--silos", Number(silos), "--gateways", Number(gateways),
            "--port", Number(port), "--silo-port", Number(siloPort), "--silo-gateway-port", Number(FreeRange(silos)),
            "--admin-port", Number(adminPort), "--metrics-port", Number(FreeRange(gateways)),
            "--configuration", BuildConfiguration, "--no-build",
            "--logs", logs, "--tls", Path.Combine(scratch, "tls"),
        }.Concat(options))
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["CHATAPP_DB"] = connectionString;
        info.Environment["Auth__SigningKey"] = ChatSystem.SigningKey;
        // Few connections: the test server is shared with every other test running now.
        info.Environment["CHATAPP_DB_CONNECTIONS"] = "24";
        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var runSh = new RunSh(process, port, siloPort, adminPort, logs);
        process.OutputDataReceived += (_, e) => runSh.Add(e.Data);
        process.ErrorDataReceived += (_, e) => runSh.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return runSh;
    }

    /// <summary>Waits for a line matching <paramref name="pattern"/>, printed at or after line <paramref name="from"/>; returns its match.</summary>
    public async Task<Match> WaitForLineAsync(string pattern, TimeSpan within, int from = 0)
    {
        var regex = new Regex(pattern);
        Match? found = null;
        try
        {
            await Eventually.Until(() =>
            {
                found = Lines.Skip(from).Select(line => regex.Match(line)).FirstOrDefault(m => m.Success);
                return found is not null || HasExited;
            }, $"a line /{pattern}/ from run.sh", within);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\n{Transcript()}", ex);
        }
        if (found is null)
        {
            // It exited, and its last lines may still be on their way from the output's readers (a CI
            // run missed run.sh's last line so): they have all come once the wait for its exit, which
            // waits for the end of its output, returns.
            await DrainedAsync();
            found = Lines.Skip(from).Select(line => regex.Match(line)).FirstOrDefault(m => m.Success);
        }
        return found ?? throw new InvalidOperationException($"run.sh exited ({ExitCode}) without printing /{pattern}/\n{Transcript()}");
    }

    private async Task DrainedAsync()
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            // A child still holds run.sh's output open: what came is all there is to read.
        }
    }

    /// <summary>The pid of the newest process run.sh started under <paramref name="name"/> (silo-0, gateway-0, ...).</summary>
    public int PidOf(string name) =>
        Lines.Select(line => StartedLine().Match(line)).Where(m => m.Success && m.Groups["name"].Value == name)
            .Select(m => int.Parse(m.Groups["pid"].Value, CultureInfo.InvariantCulture)).Last();

    /// <summary>The pid of every process run.sh said it started.</summary>
    public IReadOnlyList<int> AllChildPids =>
        [.. Lines.Select(line => StartedLine().Match(line)).Where(m => m.Success).Select(m => int.Parse(m.Groups["pid"].Value, CultureInfo.InvariantCulture))];

    /// <summary>Sends a signal (INT, TERM, KILL) to a process by pid, as <c>kill -SIG pid</c> does.</summary>
    public static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { $"-{signal}", pid.ToString(CultureInfo.InvariantCulture) } })!;
        kill.WaitForExit();
    }

    /// <summary>Whether a process with this pid is still there (a zombie counts as gone).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var state = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return state[(state.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
    }

    public async Task<bool> WaitForExitAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>run.sh's output, for a failure message.</summary>
    public string Transcript() => "run.sh said:\n  " + string.Join("\n  ", Lines.TakeLast(60));

    /// <summary>Stops run.sh (SIGTERM) if the test did not; whatever still runs after that is killed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Signal(_process.Id, "TERM");
            if (!await WaitForExitAsync(TimeSpan.FromSeconds(60)))
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        foreach (var pid in AllChildPids.Where(IsAlive))
        {
            Signal(pid, "KILL");
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            lock (_gate)
            {
                _lines.Add(line);
            }
        }
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The first of <paramref name="count"/> consecutive ports nobody listens on, below Linux's
    /// ephemeral range (32768-60999): there, the port after a free one is soon some outgoing
    /// connection's, and a silo restarted on it would fail with "address in use" (seen once).
    /// </summary>
    private static int FreeRange(int count)
    {
        while (true)
        {
            var first = Random.Shared.Next(20000, 32000);
            var listeners = new List<System.Net.Sockets.TcpListener>();
            try
            {
                for (var port = first; port < first + Math.Max(count, 1); port++)
                {
                    var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
                    listener.Start();
                    listeners.Add(listener);
                }
                return first;
            }
            catch (System.Net.Sockets.SocketException)
            {
                // Taken: try another range.
            }
            finally
            {
                listeners.ForEach(listener => listener.Stop());
            }
        }
    }

    /// <summary>Debug or Release: the configuration this test assembly was built in, whose Silo and Gateway builds run.sh runs.</summary>
    private static string BuildConfiguration =>
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    [GeneratedRegex(@"run\.sh: \S+ (?<name>(silo|gateway)-\d+) (re)?started \(pid (?<pid>\d+)\)")]
    private static partial Regex StartedLine();
}
