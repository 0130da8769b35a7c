using System.Net;
using System.Net.Sockets;

namespace ChatApp.Tests.Support;

/// <summary>Ports nobody listens on right now, so that silos of parallel tests never collide.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
