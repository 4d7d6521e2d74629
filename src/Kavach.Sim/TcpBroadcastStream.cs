using System.Net;
using System.Net.Sockets;

namespace Kavach.Sim;

/// <summary>
/// <c>tcp-listen://</c>: listens and sends every write to every connected client, like a sensor behind a serial
/// server. Writes never fail: a client whose write fails is dropped, and with no client the bytes go nowhere
/// (the sensor keeps running). Disposing stops the listener and closes the clients.
/// </summary>
internal sealed class TcpBroadcastStream : Stream
{
    private readonly TcpListener _listener;
    private readonly List<Socket> _clients = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;
    private bool _disposed;
    private readonly TaskCompletionSource _firstClient = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TcpBroadcastStream(string host, int port)
    {
        var address =
            host is "*" or "0.0.0.0" ? IPAddress.Any
            : IPAddress.TryParse(host, out var ip) ? ip
            : Dns.GetHostAddresses(host).First();
        _listener = new TcpListener(address, port);
        _listener.Start();
        _accept = AcceptLoopAsync();
    }

    /// <summary>The bound endpoint (port 0 resolves to the real port).</summary>
    public IPEndPoint LocalEndpoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>Completes when the first client has connected.</summary>
    public Task WaitForClientAsync(CancellationToken ct) => _firstClient.Task.WaitAsync(ct);

    public int ClientCount
    {
        get
        {
            lock (_clients)
                return _clients.Count;
        }
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
                socket.NoDelay = true;
                lock (_clients)
                    _clients.Add(socket);
                _firstClient.TrySetResult();
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // stopping
        }
        catch (SocketException)
        {
            // the listener was closed
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Socket[] clients;
        lock (_clients)
            clients = [.. _clients];
        foreach (var c in clients)
        {
            try
            {
                var sent = 0;
                while (sent < buffer.Length)
                    sent += await c.SendAsync(buffer[sent..], SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                lock (_clients)
                    _clients.Remove(c);
                c.Dispose();
            }
        }
    }

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Flush() { }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _stop.Cancel();
            _listener.Stop();
            try
            {
                _accept.Wait(TimeSpan.FromSeconds(2));
            }
            catch (AggregateException) { }
            lock (_clients)
            {
                foreach (var c in _clients)
                {
                    try
                    {
                        c.Shutdown(SocketShutdown.Both);
                    }
                    catch (SocketException) { }
                    c.Dispose();
                }
                _clients.Clear();
            }
            _stop.Dispose();
        }
        base.Dispose(disposing);
    }
}
