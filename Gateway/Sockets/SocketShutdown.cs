using ChatApp.Gateway.Cluster;
using ChatApp.Gateway.Protocol;

namespace ChatApp.Gateway.Sockets;

/// <summary>
/// Closes every socket with 1001 as soon as the gateway begins to stop, before Kestrel waits
/// on open requests and before the cluster client goes away: clients learn at once to reconnect.
/// </summary>
public sealed class SocketShutdown(SocketIndex sockets, IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(() =>
            Task.WaitAll([.. sockets.All().Select(c => c.CloseAsync(CloseCodes.GoingAway, "server shutting down"))], TimeSpan.FromSeconds(5)));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
