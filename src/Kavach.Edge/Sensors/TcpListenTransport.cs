using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Sensors;

/// <summary>
/// tcp-listen: sensors (or the simulator, or a serial-to-Ethernet converter in client mode) connect in;
/// several clients at once, each with its own decoder. A client that connects and sends nothing costs a
/// socket and nothing else; its sensor goes stale by its timeout. Owns its listener and client sockets.
/// </summary>
public sealed class TcpListenTransport : IAsyncDisposable
{
    /// <summary>Most simultaneous clients per endpoint; more are refused (closed) and logged.</summary>
    public const int MaxClients = 16;

    private readonly SensorEndpoint _endpoint;
    private readonly ILogger _log;
    private readonly Socket _listener;
    private readonly List<Socket> _clients = [];
    private readonly Lock _lock = new();

    public TcpListenTransport(SensorEndpoint endpoint, ILogger log)
    {
        _endpoint = endpoint;
        _log = log;
        var t = endpoint.Transport;
        var address = t.Host is "0.0.0.0" or "*" ? IPAddress.Any : t.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(t.Host);
        _listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Bind(new IPEndPoint(address, t.Port));
        _listener.Listen(MaxClients);
        LocalEndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        endpoint.SetConnection(ConnectionState.Listening);
    }

    /// <summary>The bound address (port 0 in the config: the system's pick).</summary>
    public IPEndPoint LocalEndPoint { get; }

    public async Task RunAsync(CancellationToken ct)
    {
        var tasks = new List<Task>();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var client = await _listener.AcceptAsync(ct).ConfigureAwait(false);
                lock (_lock)
                {
                    if (_clients.Count >= MaxClients)
                    {
                        _log.LogWarning("Sensor {Sensor}: refused a connection from {Peer}: already {Max} clients", _endpoint.Name, client.RemoteEndPoint, MaxClients);
                        client.Dispose();
                        continue;
                    }
                    _clients.Add(client);
                }
                tasks.RemoveAll(t => t.IsCompleted);
                tasks.Add(Task.Run(() => ServeAsync(client, ct), CancellationToken.None));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (ObjectDisposedException) when (ct.IsCancellationRequested) { }
        finally
        {
            lock (_lock) foreach (var c in _clients) c.Dispose();
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken ct)
    {
        var peer = client.RemoteEndPoint?.ToString() ?? "?";
        var n = _endpoint.Primary.ClientConnected();
        foreach (var s in _endpoint.Sensors.Skip(1)) s.ClientConnected();
        _endpoint.SetConnection(ConnectionState.Connected);
        _log.LogInformation("Sensor {Sensor}: client {Peer} connected ({Clients} connected)", _endpoint.Name, peer, n);
        var decoder = _endpoint.NewDecoder();
        var buffer = new byte[16 * 1024];
        var reason = "closed by the sensor";
        try
        {
            while (true)
            {
                var read = await client.ReceiveAsync(buffer, SocketFlags.None, ct).ConfigureAwait(false);
                if (read == 0) break;
                decoder.OnBytes(buffer.AsSpan(0, read));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { reason = "daemon stopping"; }
        catch (SocketException e) { reason = e.SocketErrorCode.ToString(); }
        catch (ObjectDisposedException) { reason = "daemon stopping"; }
        finally
        {
            decoder.OnEnd();
            lock (_lock) _clients.Remove(client);
            client.Dispose();
            var left = _endpoint.Primary.ClientDisconnected();
            foreach (var s in _endpoint.Sensors.Skip(1)) s.ClientDisconnected();
            if (left == 0) _endpoint.SetConnection(ConnectionState.Listening);
            _log.LogInformation("Sensor {Sensor}: client {Peer} disconnected ({Reason}; {Clients} connected)", _endpoint.Name, peer, reason, left);
        }
    }

    public ValueTask DisposeAsync()
    {
        _listener.Dispose();
        lock (_lock) foreach (var c in _clients) c.Dispose();
        return ValueTask.CompletedTask;
    }
}
