using Kavach.Protocols;

namespace Kavach.Edge.Sensors.Protocols;

/// <summary>json-lines: one JSON object per line (docs/protocols.md), any kind of sensor; lines are routed by kind.</summary>
public static class JsonLinesProtocol
{
    public static ProtocolEntry Entry { get; } =
        new()
        {
            Name = "json-lines",
            Kinds = [SensorKind.Lidar, SensorKind.Radar, SensorKind.Camera],
            RoutesByKind = true,
            Connect = static (endpoint, queue, time) => new JsonLinesConnection(endpoint, queue, time),
        };
}
