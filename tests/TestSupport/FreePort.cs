using System.Net;
using System.Net.Sockets;

namespace ChatApp.Tests.Support;

/// <summary>Ports nobody listens on right now, so that silos of parallel tests never collide.</summary>
public static class FreePort
{
    // Ports come from below the kernel's ephemeral range (32768 and up by default). A port the
    // kernel offered for a probe is an ephemeral one, and the same kernel hands it out again as
    // the local end of any outgoing connection: a failover test, whose processes open hundreds of
    // connections, once lost the port it had picked for a silo that way ("address already in
    // use") before the silo could bind it.
    private const int First = 20_000;
    private const int Last = 32_000;

    // Each test process walks the range from its own starting point, handing each port out once
    // per walk (12,000 ports: more than a test run asks for), so that two tests (or two test
    // processes) asking at once rarely probe the same port, and a port probed free by one test is
    // not offered to the next before its owner has bound it.
    private static int _cursor = First + Random.Shared.Next(Last - First);
    private static readonly Lock Walk = new();

    public static int Next()
    {
        lock (Walk)
        {
            for (var tried = 0; tried <= Last - First; tried++)
            {
                var port = _cursor;
                _cursor = _cursor == Last ? First : _cursor + 1;
                if (IsFree(port))
                {
                    return port;
                }
            }
        }

        throw new InvalidOperationException($"No free port between {First} and {Last} on the loopback address.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
