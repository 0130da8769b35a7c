using Orleans.Runtime.Providers;

namespace ChatApp.Streaming;

/// <summary>
/// How a pulling agent retries handing a room's event to its relay, and for how long.
/// </summary>
/// <remarks>
/// Orleans' defaults back off exponentially up to 30 s between attempts and keep trying for a
/// minute. After a silo dies, the relays that lived there cannot be reached until the cluster has
/// declared it dead, typically 10-30 s on a loaded machine; by then the backoff had grown so long
/// that a room's live events stayed behind it for up to another 30 s, and a socket heard nothing
/// for as long (the run.sh supervision test saw 60 s). Nothing is lost by giving up sooner: the
/// relay is only the live path, and a socket fills any gap from the room's log. So the agent tries
/// again every half second and gives an event up after 10 s.
/// </remarks>
public sealed class RelayDeliveryRetries : IMessageDeliveryBackoffProvider
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>How long one event is retried before the agent moves on to the next (<c>MaxEventDeliveryTime</c>).</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(10);

    public TimeSpan Next(int attempt) => Interval;
}
