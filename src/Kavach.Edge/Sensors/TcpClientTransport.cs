using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Sensors;

/// <summary>
/// tcp-client: the daemon connects to a sensor or a serial-to-Ethernet server (Host, Port) and reconnects with
/// backoff when the peer goes away. TCP keep-alive (probes after 5 s idle, 3 × 1 s) finds a peer that vanished
/// without closing (power cut, cable pulled); a silent but live peer is not dropped — fusion's TimeoutMs judges
/// silence. A new decoder per connection. Owns its socket.
/// </summary>
public sealed class TcpClientTransport(SensorEndpoint endpoint, Backoff backoff, TimeProvider time, ILogger log)
    : ReconnectingTransport(endpoint.Name, [endpoint], backoff, time, log)
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    public override string Target => $"tcp {endpoint.Transport.Host}:{endpoint.Transport.Port}";

    protected override async Task SessionAsync(Action connected, CancellationToken ct)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 5);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 1);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
        using (var connect = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            connect.CancelAfter(ConnectTimeout);
            try
            {
                await socket.ConnectAsync(endpoint.Transport.Host, endpoint.Transport.Port, connect.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"no answer within {ConnectTimeout.TotalSeconds:0} s");
            }
        }
        connected();

        var decoder = endpoint.NewDecoder();
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, ct).ConfigureAwait(false);
                if (read == 0)
                    return;
                decoder.OnBytes(buffer.AsSpan(0, read));
            }
        }
        finally
        {
            decoder.OnEnd();
        }
    }
}
