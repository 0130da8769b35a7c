using System.Net;
using System.Net.Sockets;

namespace ChatApp.Tests.Support;

/// <summary>Ports nobody listens on right now, so that silos of parallel tests never collide.</summary>
public static class FreePort
{
    // The kernel may offer a port again as soon as the probe below has let it go, so two tests
    // asking at once could both get it (two gateways of Operations.Tests did, in CI): a port is
    // handed out once per process.
    private static readonly HashSet<int> HandedOut = [];

    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (HandedOut)
            {
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
