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

    /// <summary>The stream ended: a partial frame left over is counted as rejected.</summary>
    void OnEnd();
}
