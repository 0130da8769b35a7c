using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatApp.Silo.Hosting;

/// <summary>
/// Runs a silo until it is told to stop, and then gives its stop a deadline. The host's own
/// <see cref="HostOptions.ShutdownTimeout"/> only ends the graceful part: Orleans then stops
/// ungracefully, and that still writes the silo's status to the membership table twice, each write
/// retried for up to a minute. With PostgreSQL down a SIGTERM therefore took two minutes to end the
/// process, and <c>./run.sh</c>'s Ctrl-C waited that long. Past the deadline the process exits without
/// those writes, as a SIGKILL would have left it: the other silos stop hearing from it and vote it
/// dead within seconds, and its grains move as after any crash.
/// </summary>
public static partial class BoundedStop
{
    /// <summary>What the ungraceful part of a stop needs with a reachable database, on top of the host's timeout.</summary>
    public static readonly TimeSpan UngracefulAllowance = TimeSpan.FromSeconds(5);

    /// <summary>Runs <paramref name="host"/>; returns 0 once it stopped, or 1 if its stop outlived the deadline.</summary>
    public static async Task<int> RunWithStopDeadlineAsync(this IHost host)
    {
        // Taken now: once the host's own timeout passes it disposes its services while Orleans still stops.
        var deadline = host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout + UngracefulAllowance;
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BoundedStop).FullName!);
        var stopAsked = new TaskCompletionSource();
        using var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping
            .Register(() => stopAsked.TrySetResult());

        var running = host.RunAsync();
        await Task.WhenAny(running, stopAsked.Task);
        if (await Task.WhenAny(running, Task.Delay(deadline)) == running)
        {
            await running; // a failure to start or stop is thrown as it was
            return 0;
        }
        LogStopOutlivedDeadline(logger, deadline.TotalSeconds);
        return 1;
    }

    [LoggerMessage(Level = LogLevel.Error,
        Message = "The silo's stop did not finish within {Seconds} s (is the database reachable?); exiting without it. The other silos will declare this one dead.")]
    private static partial void LogStopOutlivedDeadline(ILogger logger, double seconds);
}
