using System.Net;
using System.Net.Sockets;

namespace Kavach.Edge.Tests.Support;

/// <summary>
/// A loopback TCP server playing a sensor (or a serial-to-Ethernet server) for tcp-client tests: accepts the daemon,
/// sends what the test asks. <see cref="Stop"/> closes everything (the peer goes away); <see cref="Start"/> listens
/// again on the same port.
/// </summary>
public sealed class TcpSensorServer : IDisposable
{
    private readonly List<Socket> _clients = [];
    private TcpListener? _listener;

    public TcpSensorServer()
    {
        Start();
        Port = ((IPEndPoint)_listener!.LocalEndpoint).Port;
    }

    public int Port { get; private set; }

    public int Accepted { get; private set; }

    public void Start()
    {
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _ = AcceptLoopAsync(_listener);
    }

    private async Task AcceptLoopAsync(TcpListener listener)
    {
        try
        {
            while (true)
            {
                var s = await listener.AcceptSocketAsync();
                lock (_clients)
                {
                    _clients.Add(s);
                    Accepted++;
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
    }

    public int Connected
    {
        get
        {
            lock (_clients)
                return _clients.Count;
        }
    }

    /// <summary>Sends to every connected client.</summary>
    public void Send(ReadOnlySpan<byte> data)
    {
        lock (_clients)
            foreach (var c in _clients)
                c.Send(data);
    }

    public void Stop()
    {
        _listener?.Stop();
        _listener = null;
        lock (_clients)
        {
            foreach (var c in _clients)
                c.Dispose();
            _clients.Clear();
        }
    }

    public void Dispose() => Stop();
}
