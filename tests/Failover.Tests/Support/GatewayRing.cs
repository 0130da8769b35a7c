namespace ChatApp.Tests.Failover.Support;

/// <summary>
/// The gateways a client knows, as a mobile app ships a list of them: it uses one at a time and
/// moves on to the next when its gateway keeps answering <c>unavailable</c> (<see cref="Chatter"/>).
/// One ring per client: each moves on its own.
/// </summary>
public sealed class GatewayRing(IReadOnlyList<Uri> gateways)
{
    private int _index;

    public Uri Current => gateways[Volatile.Read(ref _index) % gateways.Count];

    /// <summary>How many times the client moved on.</summary>
    public int Moves => Volatile.Read(ref _index);

    public void MoveOn() => Interlocked.Increment(ref _index);
}
