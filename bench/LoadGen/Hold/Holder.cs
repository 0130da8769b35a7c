using System.Text.Json;
using ChatApp.Bench.LoadGen.Measure;
using ChatApp.Bench.LoadGen.Protocol;
using ChatApp.Bench.LoadGen.Setup;

namespace ChatApp.Bench.LoadGen.Hold;

/// <summary>
/// <c>ChatApp.Bench.LoadGen hold</c>: a child of the load generator that opens and holds a share
/// of the sockets of the connections and bigroom scenarios (bigroom: joins them to the room and
/// logs the messages they read). Each socket is a file, and one process may have at
/// most the hard limit of open files (20,000 on some machines, not raisable without privileges):
/// so 20,000 sockets take more than one process. Commands come as JSON lines on stdin, answers go
/// as JSON lines to stdout; it ends on "close", when stdin closes (its parent is gone) or after
/// --max-seconds.
/// </summary>
public static class Holder
{
    /// <summary>One JSON object per line, both ways.</summary>
    public static readonly JsonSerializerOptions Lines = new(JsonSerializerDefaults.Web);

    public static async Task<int> RunAsync(Options options)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(options.Double("max-seconds", 900)));
        using var sources = new SourceAddresses(options.Int("source-addresses", 8));
        var stdout = Console.Out;
        void Say(HolderEvent e)
        {
            lock (stdout)
            {
                stdout.WriteLine(JsonSerializer.Serialize(e, Lines));
                stdout.Flush();
            }
        }

        // A progress line every second while a long command runs, so that the parent can show it.
        async Task WithProgressAsync(Fleet working, Task work)
        {
            using var ticker = new PeriodicTimer(TimeSpan.FromSeconds(1));
            while (!work.IsCompleted && await ticker.WaitForNextTickAsync(deadline.Token))
            {
                Say(new HolderEvent("progress", Done: working.Done, Failed: working.FailureCount));
            }
            await work;
        }

        var receipts = new ReceiptLog();
        Fleet? fleet = null;
        try
        {
            while (await Console.In.ReadLineAsync(deadline.Token) is { } line)
            {
                var command = JsonSerializer.Deserialize<HolderCommand>(line, Lines)!;
                switch (command.Cmd)
                {
                    case "connect":
                        var servers = command.Servers!.Select(s => new Uri(s)).ToList();
                        // Rotated so that this holder's socket i goes where socket FirstIndex + i of one fleet would.
                        var shift = command.FirstIndex % servers.Count;
                        var target = new Target("holder", [.. servers.Skip(shift), .. servers.Take(shift)], new Dictionary<string, int>(), IsChatApp: false, command.Protocol);
                        fleet = new Fleet(target, sources, receipts);
                        var latency = new Latency("connect", "connect + hello");
                        await WithProgressAsync(fleet, fleet.ConnectAsync(command.Users!, Math.Max(1, command.Concurrency), latency, deadline.Token));
                        Say(new HolderEvent("connected", Done: fleet.Done, Failed: fleet.FailureCount, Open: fleet.OpenCount,
                            Failures: fleet.Failures.ToDictionary(), Latency: latency.Buckets()));
                        break;
                    case "join" when fleet is not null:
                        var join = new Latency("join", "join");
                        await WithProgressAsync(fleet, fleet.JoinAsync(_ => command.Room!, Math.Max(1, command.Concurrency), join, deadline.Token,
                            issueFor: TimeSpan.FromSeconds(command.Seconds)));
                        Say(new HolderEvent("joined", Done: fleet.Done, Failed: fleet.FailureCount, Open: fleet.OpenCount,
                            Failures: fleet.Failures.ToDictionary(), Latency: join.Buckets(), Joined: fleet.JoinedCount, NotTried: fleet.NotTried));
                        break;
                    case "tally" when fleet is not null:
                        var e2e = new Latency("e2e", "send → receipt");
                        var received = receipts.Tally(command.SentAt!, e2e);
                        Say(new HolderEvent("tallied", Open: fleet.OpenCount, Latency: e2e.Buckets(), Received: received,
                            Duplicates: fleet.Sum(c => c.Duplicates), OutOfOrder: fleet.Sum(c => c.OutOfOrder + c.Gaps),
                            Resyncs: fleet.Sum(c => c.Resyncs), Events: fleet.Sum(c => c.Events)));
                        break;
                    case "ping":
                        var ping = new Latency("ping", "ping");
                        var ok = fleet is null ? 0 : await fleet.PingAllAsync(ping, deadline.Token);
                        Say(new HolderEvent("pinged", Open: fleet?.OpenCount ?? 0, PingsOk: ok, Latency: ping.Buckets()));
                        break;
                    case "close":
                        if (fleet is not null)
                        {
                            await fleet.DisposeAsync();
                            fleet = null;
                        }
                        Say(new HolderEvent("closed"));
                        return 0;
                    default:
                        await Console.Error.WriteLineAsync($"holder: unknown command '{command.Cmd}'");
                        return 2;
                }
            }
            return 0;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("holder: out of time (--max-seconds)");
            return 1;
        }
        finally
        {
            if (fleet is not null)
            {
                await fleet.DisposeAsync();
            }
        }
    }
}
