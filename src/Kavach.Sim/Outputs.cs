using System.IO.Ports;
using System.Net.Sockets;
using Kavach.Simulation;

namespace Kavach.Sim;

/// <summary>Opens the byte stream of an <see cref="OutputTarget"/>. Transports only move bytes.</summary>
internal static class Outputs
{
    /// <summary>
    /// Opens <paramref name="target"/> for writing. <c>tcp-listen</c> targets return <paramref name="listeners"/>'
    /// shared listener (created on first use; the caller disposes the cache at the end).
    /// </summary>
    public static async ValueTask<Stream> OpenAsync(
        OutputTarget target,
        SimProtocol protocol,
        string clientId,
        ListenerCache listeners,
        CancellationToken ct
    )
    {
        switch (target.Kind)
        {
            case OutputKind.Stdout:
                return new OwnedStream(Console.OpenStandardOutput(), owner: null);
            case OutputKind.TcpConnect:
                return await ConnectTcpAsync(target.Host, target.Port, ct).ConfigureAwait(false);
            case OutputKind.TcpListen:
                return new OwnedStream(listeners.Get(target), owner: null); // the run's ListenerCache owns the listener
            case OutputKind.Serial:
                return OpenSerial(target.Path, target.Baud ?? OutputTarget.DefaultBaud(protocol));
            case OutputKind.Mqtt:
                return await MqttOutputStream
                    .ConnectAsync(target.Host, target.Port, target.Topic, clientId, perLine: SimFormats.Of(protocol).Lines, ct)
                    .ConfigureAwait(false);
            default:
                throw new ArgumentOutOfRangeException(nameof(target));
        }
    }

    /// <summary>Opens <paramref name="target"/> for reading (record): tcp connect, tcp listen (first client), serial.</summary>
    public static async ValueTask<Stream> OpenSourceAsync(OutputTarget target, CancellationToken ct)
    {
        switch (target.Kind)
        {
            case OutputKind.TcpConnect:
                return await ConnectTcpAsync(target.Host, target.Port, ct).ConfigureAwait(false);
            case OutputKind.TcpListen:
                var listener = new TcpListener(
                    System.Net.IPAddress.Parse(target.Host == "localhost" ? "127.0.0.1" : target.Host),
                    target.Port
                );
                listener.Start();
                try
                {
                    var socket = await listener.AcceptSocketAsync(ct).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                finally
                {
                    listener.Stop();
                }
            case OutputKind.Serial:
                return OpenSerial(target.Path, target.Baud ?? 115_200);
            default:
                throw new ArgumentException($"cannot record from '{target.Text}' (tcp://, tcp-listen://, serial:// or a device path)");
        }
    }

    private static async Task<Stream> ConnectTcpAsync(string host, int port, CancellationToken ct)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(host, port, ct).ConfigureAwait(false);
            return new OwnedStream(client.GetStream(), client);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static Stream OpenSerial(string path, int baud)
    {
        // 8N1 like every sensor here (docs/protocols.md); after a failure the player disposes and reopens (docs/platform.md).
        var port = new SerialPort(path, baud, Parity.None, 8, StopBits.One)
        {
            WriteTimeout = 2000,
            ReadTimeout = SerialPort.InfiniteTimeout,
        };
        try
        {
            port.Open();
            return new OwnedStream(port.BaseStream, port);
        }
        catch
        {
            port.Dispose();
            throw;
        }
    }
}

/// <summary>The <c>tcp-listen</c> listeners of one run, shared by reopen attempts; disposed at the end of the run.</summary>
internal sealed class ListenerCache : IDisposable
{
    private readonly Dictionary<string, TcpBroadcastStream> _listeners = new(StringComparer.Ordinal);

    public TcpBroadcastStream Get(OutputTarget target)
    {
        lock (_listeners)
        {
            if (!_listeners.TryGetValue(target.Text, out var l))
            {
                l = new TcpBroadcastStream(target.Host, target.Port);
                _listeners[target.Text] = l;
            }
            return l;
        }
    }

    public void Dispose()
    {
        lock (_listeners)
        {
            foreach (var l in _listeners.Values)
                l.Dispose();
            _listeners.Clear();
        }
    }
}
