using System.Net;
using System.Net.Sockets;

namespace ChatApp.Tests.Browser;

/// <summary>
/// A TCP relay between one browser context and the gateway that a test can unplug: every
/// connection through it breaks at once and new ones are refused until it is plugged in again.
/// Chromium's own offline emulation leaves open WebSockets alone (it only fails new requests),
/// so this is how a page loses its socket the way it does when a laptop leaves the Wi-Fi.
/// </summary>
public sealed class NetworkCable : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly Lock _gate = new();
    private readonly List<Socket> _open = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private bool _pluggedIn = true;

    public NetworkCable(Uri target)
    {
        _targetPort = target.Port;
        _listener.Start();
        BaseUri = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The gateway as seen through the cable; a page loaded from here keeps using it.</summary>
    public Uri BaseUri { get; }

    /// <summary>Breaks every connection through the cable and refuses new ones.</summary>
    public void Unplug()
    {
        lock (_gate)
        {
            _pluggedIn = false;
            foreach (var socket in _open)
            {
                Abort(socket);
            }
            _open.Clear();
        }
    }

    public void PlugIn()
    {
        lock (_gate)
        {
            _pluggedIn = true;
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        lock (_gate)
        {
            if (!_pluggedIn)
            {
                Abort(client);
                server.Dispose();
                return;
            }
            _open.Add(client);
            _open.Add(server);
        }
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            // Whichever side ends first ends both: a half-open relay would hide the break.
            await Task.WhenAny(PumpAsync(client, server), PumpAsync(server, client));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The cable was unplugged or a side went away: both are closed below.
        }
        finally
        {
            lock (_gate)
            {
                _open.Remove(client);
                _open.Remove(server);
            }
            Abort(client);
            Abort(server);
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, _stop.Token)) > 0)
            {
                await to.SendAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Ends the relay of this connection.
        }
    }

    /// <summary>Closes at once with a reset, as a broken network would, instead of a polite FIN.</summary>
    private static void Abort(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Not connected yet, or already gone.
        }
        socket.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Unplug();
        await _acceptLoop;
        _stop.Dispose();
    }
}
