using System.Net;
using System.Net.Sockets;

namespace ChatApp.Bench.LoadGen.Protocol;

/// <summary>
/// HTTP handlers that open their TCP connections from 127.0.0.1, .2, .3, … in turn: one loopback
/// source address has about 28,000 ephemeral ports, and a run of 20,000 sockets right after
/// another (with the first run's ports in TIME_WAIT) would otherwise run out.
/// </summary>
public sealed class SourceAddresses : IDisposable
{
    private readonly HttpMessageInvoker[] _invokers;
    private int _next = -1;

    public SourceAddresses(int count)
    {
        _invokers = [.. Enumerable.Range(1, Math.Clamp(count, 1, 250)).Select(i => new HttpMessageInvoker(Handler(IPAddress.Parse($"127.0.0.{i}"))))];
    }

    public HttpMessageInvoker Next() => _invokers[(uint)Interlocked.Increment(ref _next) % _invokers.Length];

    private static SocketsHttpHandler Handler(IPAddress source) => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        MaxConnectionsPerServer = int.MaxValue,
    };

    public void Dispose()
    {
        foreach (var invoker in _invokers)
        {
            invoker.Dispose();
        }
    }
}
