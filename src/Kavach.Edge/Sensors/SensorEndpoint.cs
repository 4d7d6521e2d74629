using Kavach.Edge.Configuration;

namespace Kavach.Edge.Sensors;

/// <summary>
/// The sensors fed through one transport endpoint: usually one; several json-lines sensors of
/// different kinds may share one listening port (the original design's port 9000), routed by kind.
/// </summary>
public sealed class SensorEndpoint(IReadOnlyList<SensorState> sensors, Func<IConnectionDecoder> newDecoder)
{
    public IReadOnlyList<SensorState> Sensors { get; } = sensors;
    public SensorState Primary => Sensors[0];
    public TransportOptions Transport => Primary.Options.Transport;
    public string Name => string.Join("+", Sensors.Select(s => s.Name));
    public Func<IConnectionDecoder> NewDecoder { get; } = newDecoder;

    /// <summary>Sets every sensor's connection state; returns the primary's previous state.</summary>
    public ConnectionState SetConnection(ConnectionState state)
    {
        var previous = Primary.SetConnection(state);
        for (var i = 1; i < Sensors.Count; i++)
            Sensors[i].SetConnection(state);
        return previous;
    }
}
