using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace ChatApp.Tests.Failover.Support;

/// <summary>
/// Hosts simulated on this machine by scripts/netns-cluster.sh: each named host is a Linux network
/// namespace with its own address on a bridge of this run, so that a silo or gateway started there
/// (<see cref="Host"/>) talks to the others over real IP that <see cref="CutAsync"/> can cut and
/// <see cref="SlowAsync"/> can make lossy and slow. Names are unique per run; disposing removes everything,
/// and every new lab first removes what a crashed earlier test process left behind.
/// </summary>
public sealed class NetworkLab : IAsyncDisposable
{
    private static readonly Lazy<string?> Unavailable = new(Probe);
    private readonly string _run;
    private readonly Dictionary<string, ProcessHost> _hosts;

    private NetworkLab(string run, string hostAddress, Dictionary<string, ProcessHost> hosts)
    {
        _run = run;
        HostAddress = hostAddress;
        _hosts = hosts;
    }

    /// <summary>This machine's address on the bridge: what the hosts reach it (and its PostgreSQL) at.</summary>
    public string HostAddress { get; }

    /// <summary>The bridge's /24, for a server that should trust every host of the lab.</summary>
    public string Network => HostAddress[..HostAddress.LastIndexOf('.')] + ".0/24";

    /// <summary>Why no lab can be made here (not root, no namespaces, nft missing), or null when it can.</summary>
    public static string? WhyUnavailable => Unavailable.Value;

    public ProcessHost Host(string name) => _hosts[name];

    /// <summary>Makes a namespace for each name, on a bridge and subnet of its own.</summary>
    public static async Task<NetworkLab> UpAsync(params string[] names)
    {
        await ScriptAsync("sweep");
        var run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        string output;
        try
        {
            output = await ScriptAsync(["up", run, .. names]);
        }
        catch
        {
            await ScriptAsync("down", run);
            throw;
        }
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ')).ToList();
        var hosts = lines.Where(l => l[0] != "host").ToDictionary(
            l => l[0],
            l => new ProcessHost(l[0], l[1], ["ip", "netns", "exec", $"chatapp-{run}-{l[0]}"]));
        return new NetworkLab(run, lines.Single(l => l[0] == "host")[1], hosts);
    }

    /// <summary>The host neither sends to nor receives from the others named: its packets to them, and theirs to it, are dropped without a word.</summary>
    public Task CutAsync(string host, params string[] from) =>
        ScriptAsync(["cut", _run, host, .. from.Select(Address)]);

    /// <summary>
    /// Drops <paramref name="lossPercent"/> % of the host's packets to and from the others named, at
    /// random, and holds each of the rest <paramref name="delayMs"/> ms on its way, both ways.
    /// </summary>
    public Task SlowAsync(string host, int lossPercent, int delayMs, params string[] from) =>
        ScriptAsync(["slow", _run, host, lossPercent.ToString(CultureInfo.InvariantCulture), delayMs.ToString(CultureInfo.InvariantCulture), .. from.Select(Address)]);

    /// <summary>Undoes <see cref="CutAsync"/> and <see cref="SlowAsync"/> on the host.</summary>
    public Task HealAsync(string host) => ScriptAsync("heal", _run, host);

    /// <summary>How many packets the host's cuts and losses have dropped so far: proof that the fault was there.</summary>
    public async Task<long> DroppedAsync(string host) =>
        long.Parse((await ScriptAsync("dropped", _run, host)).Trim(), CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync() => await ScriptAsync("down", _run);

    // A host's name, or "host" for this machine.
    private string Address(string name) => name == "host" ? HostAddress : _hosts[name].Address;

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "network namespaces are Linux's";
        }
        if (Environment.UserName != "root")
        {
            return "making network namespaces needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN); these tests run as root in CI";
        }
        try
        {
            // A real attempt: containers without the capabilities fail here, not in the test.
            var lab = UpAsync("probe").GetAwaiter().GetResult();
            lab.DisposeAsync().AsTask().GetAwaiter().GetResult();
            return Tool("nft") ? null : "nftables (nft) is not installed; .ci/run installs it";
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return $"cannot make network namespaces here: {ex.Message}";
        }
    }

    private static bool Tool(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/sbin"]).Any(dir => File.Exists(Path.Combine(dir, name)));

    private static async Task<string> ScriptAsync(params string[] args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(Tests.Support.ChatSystem.RepositoryRoot, "scripts", "netns-cluster.sh"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        // The bridge remembers its owner: if this process dies before DisposeAsync, the next lab's sweep removes the run.
        info.Environment["CHATAPP_NETNS_OWNER"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        info.Environment["PATH"] = $"{Environment.GetEnvironmentVariable("PATH")}:/usr/sbin:/sbin";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"netns-cluster.sh {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}");
        }
        return await stdout;
    }
}
