using Kavach.Edge.Configuration;
using Kavach.Protocols;

namespace Kavach.Edge.Sensors.Protocols;

/// <summary>
/// Everything the daemon knows of one wire format, in one place: its configuration name, the kinds of sensor it
/// serves, the connection (decoder + frame → reading mapping) a transport is handed per connection, the option keys
/// only it accepts with their checks, and its defaults. Transports never know a format (Telegraf's parser
/// registration); configuration, inputs and health read the entry. Entries are listed in <see cref="ProtocolRegistry"/>.
/// </summary>
public sealed class ProtocolEntry
{
    /// <summary>The name in the configuration's <c>Protocol</c> key (kebab-case: "tf-series").</summary>
    public required string Name { get; init; }

    /// <summary>The sensor kinds it carries; a sensor of another Kind is refused at start-up.</summary>
    public required IReadOnlyList<SensorKind> Kinds { get; init; }

    /// <summary>The connection for one transport connection of <c>endpoint</c> (a new decoder each time, so stream state
    /// never leaks between connections). Single-sensor protocols use <c>endpoint.Primary</c>.</summary>
    public required Func<SensorEndpoint, ReadingQueue, TimeProvider, IConnectionDecoder> Connect { get; init; }

    /// <summary>Lines name their sensor's kind (json-lines): sensors of different kinds may share one listening port or
    /// one MQTT topic, routed by kind. Other protocols own their endpoint.</summary>
    public bool RoutesByKind { get; init; }

    /// <summary>Option keys of this protocol only: refused on a sensor of any other protocol, naming the key.</summary>
    public IReadOnlyList<string> OwnKeys { get; init; } = [];

    /// <summary>
    /// Reads and checks this protocol's own keys (report through <c>reader.Error</c>) once the common ones are read;
    /// returns its options object, kept in <see cref="SensorOptions.ProtocolOptions"/> for <see cref="Connect"/> (null:
    /// none beyond <see cref="SensorOptions"/>' own properties). Keys it reads must be listed in <see cref="OwnKeys"/>.
    /// </summary>
    public Func<SensorOptions, ConfigReader, object?>? ReadOptions { get; init; }

    /// <summary>A LiDAR's datasheet reach when MaxRangeM is not set (0 = unknown), from the sensor's Variant.</summary>
    public Func<string?, double> DefaultMaxRangeM { get; init; } = _ => 0;

    /// <summary>A radar protocol that gives each target's angle (its offset across the boresight, <c>Reading.LateralM</c>):
    /// a cab can then tell a target beside the line from one on it.</summary>
    public bool GivesBearing { get; init; }

    /// <summary>Whether it carries sensors of <paramref name="kind"/>.</summary>
    public bool Serves(SensorKind kind) => Kinds.Contains(kind);

    public override string ToString() => Name;
}
