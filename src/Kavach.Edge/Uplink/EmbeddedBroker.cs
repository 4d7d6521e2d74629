using System.Net;
using System.Net.Sockets;
using MQTTnet.Server;

namespace Kavach.Edge.Uplink;

/// <summary>
/// An MQTT broker inside the process, for the demo when no <c>Uplink.Host</c> is configured: MQTTnet.Server
/// on 127.0.0.1 only (its IPv6 endpoint is disabled: it would bind [::] otherwise), on a free port.
/// Watch it with <c>mosquitto_sub -h 127.0.0.1 -p PORT -i kavach-watch -t 'kavach/#' -v</c> (MQTTnet refuses an empty client id, which
/// mosquitto_sub sends by default). Dispose to stop.
/// </summary>
public sealed class EmbeddedBroker : IAsyncDisposable
{
    private readonly MqttServer _server;

    private EmbeddedBroker(MqttServer server, int port)
    {
        _server = server;
        Port = port;
    }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary>Starts a broker on a free loopback port (retrying if another process takes the port first).</summary>
    public static async Task<EmbeddedBroker> StartAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            var options = new MqttServerOptionsBuilder()
                .WithDefaultEndpoint()
                .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
                .WithDefaultEndpointBoundIPV6Address(IPAddress.None)
                .WithDefaultEndpointPort(port)
                .WithPersistentSessions()
                .Build();
            var server = new MqttServerFactory().CreateMqttServer(options);
            try
            {
                await server.StartAsync().ConfigureAwait(false);
                return new EmbeddedBroker(server, port);
            }
            catch (SocketException) when (attempt < 5)
            {
                server.Dispose();
            }
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync(new MqttServerStopOptions()).ConfigureAwait(false);
        _server.Dispose();
    }
}
