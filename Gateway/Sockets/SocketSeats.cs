using System.Net;
using System.Net.Sockets;
using ChatApp.Gateway.Limits;
using Microsoft.Extensions.Options;

namespace ChatApp.Gateway.Sockets;

/// <summary>
/// Bounds the sockets this gateway holds, per client address and in total, from the upgrade on:
/// a socket takes its seat before it is accepted, so sockets that never say hello are counted
/// too, and gives it back exactly once when it ends, however it ends. IPv6 clients are counted
/// per /64, the block one subscriber is usually given.
/// </summary>
public sealed class SocketSeats(IOptions<LimitOptions> options)
{
    private readonly LimitOptions _options = options.Value;
    private readonly Dictionary<IPAddress, int> _perAddress = [];
    private readonly Lock _gate = new();
    private int _total;

    /// <summary>Which cap refused a socket.</summary>
    /// <summary>
    /// The seat key of the gateway's own warm-up sockets (<see cref="SocketWarmup"/>): an address no
    /// TCP peer has, so that they count among themselves and in the total, never against a client.
    /// </summary>
    public static readonly IPAddress Warmup = IPAddress.IPv6Any;

    public enum Refusal
    {
        None,
        Address,
        Total,
    }

    /// <summary>Sockets holding a seat now.</summary>
    public int Total
    {
        get
        {
            lock (_gate)
            {
                return _total;
            }
        }
    }

    /// <summary>A seat for a socket from the address, or null and which cap is full.</summary>
    public IDisposable? TryTake(IPAddress? address, out Refusal refusal)
    {
        var key = KeyOf(address);
        lock (_gate)
        {
            _perAddress.TryGetValue(key, out var fromAddress);
            refusal = _total >= _options.SocketsInTotal ? Refusal.Total
                : fromAddress >= _options.SocketsPerAddress ? Refusal.Address
                : Refusal.None;
            if (refusal != Refusal.None)
            {
                return null;
            }
            _perAddress[key] = fromAddress + 1;
            _total++;
        }
        return new Seat(this, key);
    }

    private void Release(IPAddress key)
    {
        lock (_gate)
        {
            _total--;
            if (--_perAddress[key] == 0)
            {
                _perAddress.Remove(key);
            }
        }
    }

    private static IPAddress KeyOf(IPAddress? address)
    {
        if (address is null)
        {
            return IPAddress.None; // not over TCP (a test server, a Unix socket): one shared key
        }
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }

    private sealed class Seat(SocketSeats seats, IPAddress key) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                seats.Release(key);
            }
        }
    }
}
