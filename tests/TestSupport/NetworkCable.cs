using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ChatApp.Tests.Support;

/// <summary>
/// A loopback TCP relay to a server (the gateway a browser page talks to, the PostgreSQL a gateway
/// reads) that a test can unplug: every connection through it breaks at once with a reset, and new
/// ones are refused until it is plugged in again. The server itself is never touched, so tests that
/// share it go on undisturbed. (Chromium's own offline emulation leaves open WebSockets alone: it
/// only fails new requests.)
/// </summary>
public sealed class NetworkCable : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly Lock _gate = new();
    private readonly List<Socket> _open = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private bool _pluggedIn = true;

    /// <summary>A cable to <paramref name="targetHost"/>:<paramref name="targetPort"/>.</summary>
    public NetworkCable(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>A cable to the host and port of <paramref name="target"/> (a gateway's base URI, say).</summary>
    public NetworkCable(Uri target)
        : this(target.Host, target.Port)
    {
    }

    /// <summary>The loopback port of this end of the cable.</summary>
    public int Port { get; }

    /// <summary>The target as seen through the cable, over HTTP; a page loaded from here keeps using it.</summary>
    public Uri BaseUri => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>Breaks every connection through the cable and refuses new ones until <see cref="PlugIn"/>.</summary>
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
            await server.ConnectAsync(_targetHost, _targetPort, _stop.Token);
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
