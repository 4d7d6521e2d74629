using System.Net;
using System.Net.Sockets;
using Kavach.Edge.Configuration;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Sensors;

/// <summary>
/// tcp-listen: sensors (or the simulator, or a serial-to-Ethernet converter in client mode) connect in, each client
/// with its own decoder. Who may feed a sensor is bounded: a client whose address is not in Transport.AllowedClients
/// is closed at once and never read; beyond Transport.MaxClients the newest client is closed at once (a live sensor
/// keeps its slot); both are counted on the sensor and logged once per address per minute. A client that sends no
/// decodable frame for the sensor's TimeoutMs is closed, so silent or garbage-sending sockets cannot hold the slots.
/// An accept that fails is logged once and retried with backoff: the port keeps listening. Owns its sockets.
/// </summary>
public sealed class TcpListenTransport : IAsyncDisposable
{
    private static readonly TimeSpan RefusalLogPeriod = TimeSpan.FromMinutes(1);

    private readonly SensorEndpoint _endpoint;
    private readonly TimeProvider _time;
    private readonly Backoff _backoff;
    private readonly ILogger _log;
    private readonly Func<Socket, CancellationToken, ValueTask<Socket>> _accept;
    private readonly Socket _listener;
    private readonly Dictionary<Socket, string> _clients = [];
    private readonly Lock _lock = new();
    private readonly RefusalLog _refusals;
    private readonly ClientAllowList _allowed;
    private readonly TimeSpan _idle;

    /// <param name="accept">The accept call (tests inject failures); default <see cref="Socket.AcceptAsync(CancellationToken)"/>.</param>
    public TcpListenTransport(
        SensorEndpoint endpoint,
        TimeProvider time,
        Backoff backoff,
        ILogger log,
        Func<Socket, CancellationToken, ValueTask<Socket>>? accept = null
    )
    {
        _endpoint = endpoint;
        _time = time;
        _backoff = backoff;
        _log = log;
        _accept = accept ?? (static (l, ct) => l.AcceptAsync(ct));
        _refusals = new RefusalLog(time, RefusalLogPeriod);
        var t = endpoint.Transport;
        _allowed = t.AllowedClients; // sensors sharing a port allow the same clients (configuration check)
        MaxClients = endpoint.Sensors.Sum(s => s.Options.Transport.MaxClients);
        _idle = TimeSpan.FromMilliseconds(endpoint.Sensors.Max(s => s.Options.TimeoutMs));
        var address =
            t.Host is "0.0.0.0" or "*" ? IPAddress.Any
            : t.Host == "localhost" ? IPAddress.Loopback
            : IPAddress.Parse(t.Host);
        _listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        // bound to "::", IPv4 clients arrive as ::ffff:a.b.c.d and match the IPv4 entries of AllowedClients
        if (address.Equals(IPAddress.IPv6Any))
            _listener.DualMode = true;
        _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Bind(new IPEndPoint(address, t.Port));
        _listener.Listen(16);
        LocalEndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        endpoint.SetConnection(ConnectionState.Listening);
    }

    /// <summary>The bound address (port 0 in the config: the system's pick).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Most clients at once: the sum of the sharing sensors' Transport.MaxClients.</summary>
    public int MaxClients { get; }

    public IReadOnlyList<SensorState> Sensors => _endpoint.Sensors;

    /// <summary>The connected clients' addresses (for logs).</summary>
    public IReadOnlyList<string> Peers
    {
        get
        {
            lock (_lock)
                return [.. _clients.Values];
        }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var tasks = new List<Task>();
        var failures = 0;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                Socket client;
                try
                {
                    client = await _accept(_listener, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    break;
                }
                catch (ObjectDisposedException)
                {
                    break;
                } // disposed: stopping
                catch (Exception e)
                {
                    // EMFILE, ENOBUFS, ...: the port must not go deaf for good; say so once per failure streak
                    if (failures++ == 0)
                        _log.LogWarning(
                            "Sensor {Sensor}: accepting a client failed ({Reason}); still listening on {Endpoint}, retrying with backoff up to {Max} s",
                            _endpoint.Name,
                            e is SocketException s ? s.SocketErrorCode.ToString() : $"{e.GetType().Name}: {e.Message}",
                            LocalEndPoint,
                            _backoff.Max.TotalSeconds
                        );
                    try
                    {
                        await Task.Delay(_backoff.Next(), _time, ct).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                    continue;
                }
                if (failures > 0)
                {
                    _log.LogInformation(
                        "Sensor {Sensor}: accepting clients again after {Failures} failed accept(s)",
                        _endpoint.Name,
                        failures
                    );
                    failures = 0;
                    _backoff.Reset();
                }
                if (!Admit(client, out var peer))
                    continue;
                tasks.RemoveAll(t => t.IsCompleted);
                tasks.Add(Task.Run(() => ServeAsync(client, peer, ct), CancellationToken.None));
            }
        }
        finally
        {
            lock (_lock)
                foreach (var c in _clients.Keys)
                    c.Dispose();
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
    }

    // Allowed address and a free slot, else closed unread, counted and logged (rate-limited).
    private bool Admit(Socket client, out string peer)
    {
        var remote = client.RemoteEndPoint as IPEndPoint;
        var address = remote?.Address is { IsIPv4MappedToIPv6: true } mapped ? mapped.MapToIPv4() : remote?.Address;
        peer = remote is null ? "?" : new IPEndPoint(address!, remote.Port).ToString();
        string refusal,
            key;
        if (address is null || !_allowed.Allows(address))
        {
            _endpoint.Primary.CountRefused();
            refusal = $"not in Transport.AllowedClients ({_allowed})";
            key = "allow " + address;
        }
        else
        {
            lock (_lock)
            {
                // a slot whose peer has already closed (its FIN is here, not yet read) is free: a sensor that reconnects at once is not
                // refused
                if (_clients.Keys.Count(c => !PeerClosed(c)) < MaxClients)
                {
                    _clients.Add(client, peer);
                    return true;
                }
            }
            _endpoint.Primary.CountOverLimit();
            refusal = $"already {MaxClients} client(s) (Transport.MaxClients; connected: {string.Join(", ", Peers)})";
            key = "full " + address;
        }
        client.Dispose();
        if (_refusals.ShouldLog(key, out var suppressed))
            _log.LogWarning(
                "Sensor {Sensor}: refused a client from {Peer}: {Reason}{Suppressed}",
                _endpoint.Name,
                address?.ToString() ?? "?",
                refusal,
                suppressed > 0 ? $" ({suppressed} more refused since the last report)" : ""
            );
        return false;
    }

    private static bool PeerClosed(Socket s)
    {
        try
        {
            return s.Poll(0, SelectMode.SelectRead) && s.Available == 0;
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException)
        {
            return true;
        }
    }

    private async Task ServeAsync(Socket client, string peer, CancellationToken ct)
    {
        var n = _endpoint.Primary.ClientConnected();
        foreach (var s in _endpoint.Sensors.Skip(1))
            s.ClientConnected();
        _endpoint.SetConnection(ConnectionState.Connected);
        _log.LogInformation("Sensor {Sensor}: client {Peer} connected ({Clients} connected)", _endpoint.Name, peer, n);
        var decoder = _endpoint.NewDecoder();
        var buffer = new byte[16 * 1024];
        var reason = "closed by the sensor";
        var connectedAt = _time.GetTimestamp();
        using var idle = new CancellationTokenSource(_idle, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, idle.Token);
        try
        {
            while (true)
            {
                var read = await client.ReceiveAsync(buffer, SocketFlags.None, linked.Token).ConfigureAwait(false);
                if (read == 0)
                    break;
                decoder.OnBytes(buffer.AsSpan(0, read));
                // idle = no decoded frame (not: no bytes) for TimeoutMs, so garbage cannot hold a slot either
                var last = decoder.LastFrameTimestamp == long.MinValue ? connectedAt : decoder.LastFrameTimestamp;
                var left = _idle - _time.GetElapsedTime(last);
                if (left <= TimeSpan.Zero)
                    throw new OperationCanceledException(idle.Token);
                idle.CancelAfter(left);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            reason = "daemon stopping";
        }
        catch (OperationCanceledException)
        {
            reason = $"idle: no frame for {_idle.TotalMilliseconds:0} ms";
        }
        catch (SocketException e)
        {
            reason = e.SocketErrorCode.ToString();
        }
        catch (ObjectDisposedException)
        {
            reason = "daemon stopping";
        }
        finally
        {
            decoder.OnEnd();
            lock (_lock)
                _clients.Remove(client);
            client.Dispose();
            foreach (var s in _endpoint.Sensors)
                s.SourceEnded(decoder);
            var left = _endpoint.Primary.ClientDisconnected();
            foreach (var s in _endpoint.Sensors.Skip(1))
                s.ClientDisconnected();
            if (left == 0)
                _endpoint.SetConnection(ConnectionState.Listening);
            _log.LogInformation(
                "Sensor {Sensor}: client {Peer} disconnected ({Reason}; {Clients} connected)",
                _endpoint.Name,
                peer,
                reason,
                left
            );
        }
    }

    public ValueTask DisposeAsync()
    {
        _listener.Dispose();
        lock (_lock)
            foreach (var c in _clients.Keys)
                c.Dispose();
        return ValueTask.CompletedTask;
    }
}
