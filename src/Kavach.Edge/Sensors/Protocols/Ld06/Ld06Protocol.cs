using Kavach.Protocols;

namespace Kavach.Edge.Sensors.Protocols;

/// <summary>
/// ld06: LD06/LD19 packets → LiDAR readings of the nearest return inside the configured corridor
/// (CorridorStartDeg → CorridorEndDeg, MinIntensity). A packet with no point in the corridor looks
/// elsewhere and makes no reading; one whose corridor points are all empty or weak is a no-return.
/// </summary>
public static class Ld06Protocol
{
    public static ProtocolEntry Entry { get; } =
        new()
        {
            Name = "ld06",
            Kinds = [SensorKind.Lidar],
            Connect = static (endpoint, queue, time) => Connection(endpoint.Primary, queue, time),
            OwnKeys = ["CorridorStartDeg", "CorridorEndDeg", "MinIntensity"],
            DefaultMaxRangeM = static _ => 12, // docs/protocols.md §3
        };

    /// <summary>A connection of <paramref name="sensor"/>, with its corridor.</summary>
    public static FrameConnection<Ld06Frame> Connection(SensorState sensor, ReadingQueue queue, TimeProvider time)
    {
        var o = sensor.Options;
        var decoder = new Ld06Decoder((float)o.CorridorStartDeg, (float)o.CorridorEndDeg, (byte)o.MinIntensity);
        return new FrameConnection<Ld06Frame>(sensor, queue, time, decoder, static (in Ld06Frame f, long _, ref Reading r) =>
        {
            if (!f.HasCorridorPoints)
                return FrameUse.Skip;
            r.NoReturn = f.NoReturn;
            r.DistanceM = f.NearestRangeM;
            r.Strength = f.NoReturn ? float.NaN : f.NearestIntensity;
            return FrameUse.Reading;
        });
    }
}
