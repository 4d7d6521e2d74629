namespace Kavach.Edge.Sensors;

/// <summary>
/// The bytes of one connection (a TCP client, an open serial port, one MQTT message) → readings on the
/// queue. Created per connection by <see cref="SensorEndpoint.NewDecoder"/>, so stream state never
/// leaks between connections. Not thread-safe; the transport that owns the connection calls it.
/// </summary>
public interface IConnectionDecoder
{
    /// <summary>Decodes what arrived (any split), enqueues readings, counts rejects.</summary>
    void OnBytes(ReadOnlySpan<byte> data);

    /// <summary><see cref="TimeProvider.GetTimestamp"/> of this connection's last decoded frame; long.MinValue before the
    /// first (tcp-listen closes a client that has sent no frame for TimeoutMs, whatever bytes it sends).</summary>
    long LastFrameTimestamp { get; }

    /// <summary>The stream ended: a partial frame left over is counted as rejected.</summary>
    void OnEnd();
}
