using Kavach.Edge.Sensors;
using Kavach.Edge.Sensors.Protocols;
using Kavach.Protocols;

namespace Kavach.Edge.Tests.Sensors.ExampleProtocol;

/// <summary>ranger-text's own options (key <c>MinSignal</c>): weaker returns are no-returns.</summary>
public sealed class RangerTextOptions
{
    public int MinSignal { get; init; }
}

/// <summary>
/// The registry entry of the example protocol: everything the daemon needs to know of it. With the decoder beside
/// it, this folder is the whole of a sixth protocol; in the product it would live in Sensors/Protocols/RangerText/ with
/// one line in <see cref="ProtocolRegistry.BuiltIn"/>.
/// </summary>
public static class RangerTextProtocol
{
    public static ProtocolEntry Entry { get; } =
        new()
        {
            Name = "ranger-text",
            Kinds = [SensorKind.Lidar],
            OwnKeys = ["MinSignal"],
            ReadOptions = static (_, r) => new RangerTextOptions { MinSignal = r.Int("MinSignal", 0, 0, 65535) },
            DefaultMaxRangeM = static _ => 40,
            Connect = static (endpoint, queue, time) =>
            {
                var sensor = endpoint.Primary;
                var minSignal = ((RangerTextOptions)sensor.Options.ProtocolOptions!).MinSignal;
                return new FrameConnection<RangerFrame>(
                    sensor,
                    queue,
                    time,
                    new RangerTextDecoder(),
                    (in RangerFrame f, long _, ref Reading r) =>
                    {
                        r.NoReturn = f.NoReturn || f.Signal < minSignal;
                        r.DistanceM = r.NoReturn ? float.NaN : f.DistanceM;
                        r.Strength = f.Signal;
                        return r.NoReturn && !f.NoReturn ? FrameUse.GatedNoReturn : FrameUse.Reading;
                    }
                );
            },
        };
}
