using Microsoft.Extensions.Options;

namespace ChatApp.Gateway.Sockets;

/// <summary>
/// Bounds the hellos this gateway has in the cluster at once. A hello attaches the user's
/// session, which a storm of reconnects (a gateway restart, a network blip) activates by the
/// thousand, each reading its state from PostgreSQL through a pool of a few connections: sent all
/// at once, the calls queue in the silos past the client's response timeout and fail with
/// 1013, and the clients' retries make the next storm. Queued here instead, each call is sent
/// when the cluster can take it, and the wait is not counted against the call.
/// </summary>
public sealed class HelloGate(IOptions<ChatSocketOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.HellosInFlight, options.Value.HellosInFlight);
    private readonly TimeSpan _patience = options.Value.HelloQueueTimeout;

    /// <summary>Waits for a slot; null when none came free in time, and the hello should be answered "unavailable".</summary>
    public async Task<IDisposable?> EnterAsync(CancellationToken cancellationToken) =>
        await _slots.WaitAsync(_patience, cancellationToken) ? new Slot(_slots) : null;

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
