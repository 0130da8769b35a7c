using System.Diagnostics;
using System.Globalization;

namespace ChatApp.Tests.Failover.Support;

/// <summary>
/// A ChatApp silo (or gateway) running as its own operating-system process, the build output of
/// Silo/ (or Gateway/), so that it can be killed for real: SIGKILL leaves no chance to say goodbye,
/// SIGTERM stops it the way a supervisor would. Its console goes to a log file beside the test's binaries.
/// </summary>
public sealed class ChatProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ChatProcess(Process process, StreamWriter log, ProcessHost host, int port, int gatewayPort, string logPath)
    {
        _process = process;
        Host = host;
        _log = log;
        Port = port;
        GatewayPort = gatewayPort;
        LogPath = logPath;
    }

    /// <summary>Where it runs: loopback, or a host of a <see cref="NetworkLab"/>.</summary>
    public ProcessHost Host { get; }

    /// <summary>A silo's silo-to-silo port, or a gateway's HTTP port.</summary>
    public int Port { get; }

    /// <summary>A silo's port for gateways (clients); 0 for a gateway process.</summary>
    public int GatewayPort { get; }

    /// <summary>For a gateway process: where its WebSocket endpoint listens.</summary>
    public Uri SocketUri => new($"ws://{Host.Address}:{Port.ToString(CultureInfo.InvariantCulture)}/ws");

    /// <summary>For a gateway process: its HTTP root.</summary>
    public Uri BaseUri => new($"http://{Host.Address}:{Port.ToString(CultureInfo.InvariantCulture)}/");
    public string LogPath { get; }
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    /// <summary>Silo/bin/&lt;the configuration this code was built in&gt;/net10.0/ChatApp.Silo.dll.</summary>
    public static string SiloDll => FindBuildOutput("Silo", "ChatApp.Silo.dll");

    /// <summary>Gateway/bin/&lt;configuration&gt;/net10.0/ChatApp.Gateway.dll.</summary>
    public static string GatewayDll => FindBuildOutput("Gateway", "ChatApp.Gateway.dll");

    /// <summary>Starts a silo; it is a cluster member once <see cref="FailoverCluster"/> sees it Active in the table.</summary>
    /// <param name="settings">Configuration keys over the defaults (say, another Cluster:Tls:Certificate).</param>
    /// <param name="host">Where it runs (loopback when null); elsewhere it advertises that host's address.</param>
    public static ChatProcess StartSilo(string connectionString, string clusterId, int siloPort, int gatewayPort, string logDirectory, IReadOnlyDictionary<string, string>? settings = null, ProcessHost? host = null) =>
        Start(SiloDll, $"silo-{siloPort}", logDirectory, host ?? ProcessHost.Loopback, siloPort, gatewayPort,
        [
            $"--ConnectionStrings:Chat={connectionString}",
            $"--Orleans:ClusterId={clusterId}",
            $"--Orleans:SiloPort={siloPort.ToString(CultureInfo.InvariantCulture)}",
            $"--Orleans:GatewayPort={gatewayPort.ToString(CultureInfo.InvariantCulture)}",
            // No address: a silo's ports are on loopback unless told otherwise (ClosedClusterTests checks it),
            // and the tests and the chaos bench never leave this machine.
            // Each silo's admin listener (dashboard, metrics) on a port of its own, not the shared default.
            $"--Dashboard:Port={FreePortNumber()}",
            .. host is null || host.IsLoopback ? Array.Empty<string>() : [$"--Orleans:AdvertisedAddress={host.Address}"],
            "--Logging:LogLevel:Orleans.Runtime.MembershipService=Information",
            .. Tests.Support.ClusterAuthority.Shared.SiloSettings.Concat(settings ?? new Dictionary<string, string>()).Select(setting => $"--{setting.Key}={setting.Value}"),
        ]);

    /// <summary>Starts a gateway process serving HTTP and WebSockets on a loopback port (<see cref="Port"/> holds that port).</summary>
    public static ChatProcess StartGateway(string connectionString, string clusterId, int httpPort, string logDirectory, IEnumerable<string> settings, ProcessHost? host = null) =>
        Start(GatewayDll, $"gateway-{httpPort}", logDirectory, host ?? ProcessHost.Loopback, httpPort, 0,
        [
            $"--urls=http://{(host ?? ProcessHost.Loopback).Address}:{httpPort.ToString(CultureInfo.InvariantCulture)}",
            $"--contentRoot={Path.Combine(Tests.Support.ChatSystem.RepositoryRoot, "Gateway")}",
            $"--ConnectionStrings:Chat={connectionString}",
            $"--Orleans:ClusterId={clusterId}",
            $"--Auth:SigningKey={Tests.Support.ChatSystem.SigningKey}",
            .. Tests.Support.ClusterAuthority.Shared.GatewaySettings.Select(setting => $"--{setting.Key}={setting.Value}"),
            .. settings,
        ]);

    private static ChatProcess Start(string dll, string name, string logDirectory, ProcessHost host, int port, int gatewayPort, string[] args)
    {
        // Elsewhere than loopback, the launcher (ip netns exec …) execs dotnet: the pid is still the process's own.
        var info = new ProcessStartInfo(host.IsLoopback ? "dotnet" : host.Launcher[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        foreach (var word in host.Launcher.Skip(1).Concat(host.IsLoopback ? [] : ["dotnet"]))
        {
            info.ArgumentList.Add(word);
        }
        info.ArgumentList.Add(dll);
        foreach (var arg in args.Concat(
        [
            "--Logging:LogLevel:Default=Warning",
            "--Logging:Console:FormatterName=simple",
            "--Logging:Console:FormatterOptions:SingleLine=true",
            "--Logging:Console:FormatterOptions:TimestampFormat=HH:mm:ss.fff ",
        ]))
        {
            info.ArgumentList.Add(arg);
        }
        // The test's own database variable must not leak into the child: it is told its database explicitly.
        info.Environment.Remove("CHATAPP_DB");

        Directory.CreateDirectory(logDirectory);
        var logPath = Path.Combine(logDirectory, name + ".log");
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Started.TryAdd(process, 0);
        return new ChatProcess(process, log, host, port, gatewayPort, logPath);
    }

    /// <summary>SIGKILL: the process vanishes at once, its sockets reset, nothing is flushed or handed over.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM, as systemd, Docker or Kubernetes send it: the host stops gracefully.</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture) } })!;
        kill.WaitForExit();
    }

    /// <summary>The process's console so far (its file may still be open for writing).</summary>
    public string ReadLog()
    {
        using var file = new FileStream(LogPath, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(file);
        return reader.ReadToEnd();
    }

    /// <summary>Waits for the process to end; false if it is still running at the deadline.</summary>
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

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
            await WaitForExitAsync(TimeSpan.FromSeconds(10));
        }
        Started.TryRemove(_process, out _);
        _process.Dispose();
        await _log.DisposeAsync();
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // The last lines of a process that outlived its test.
            }
        }
    }

    // Every silo this process started: if the test host exits without disposing them, none outlives it.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Process, byte> Started = WatchedOnExit();

    private static System.Collections.Concurrent.ConcurrentDictionary<Process, byte> WatchedOnExit()
    {
        var started = new System.Collections.Concurrent.ConcurrentDictionary<Process, byte>();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in started.Keys)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // Already gone.
                }
            }
        };
        return started;
    }

    private static string FreePortNumber() => Tests.Support.FreePort.Next().ToString(CultureInfo.InvariantCulture);

    private static string FindBuildOutput(string project, string dll)
    {
        // This assembly sits in <project>/bin/<Configuration>/net10.0/: use the same build of the other.
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = framework.Parent!.Name;
        var path = Path.Combine(Tests.Support.ChatSystem.RepositoryRoot, project, "bin", configuration, framework.Name, dll);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build {project} first ({configuration}): {path}");
    }
}
