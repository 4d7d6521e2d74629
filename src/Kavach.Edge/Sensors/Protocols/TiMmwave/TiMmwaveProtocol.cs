using Kavach.Protocols;

namespace Kavach.Edge.Sensors.Protocols;

/// <summary>
/// ti-mmwave: TI mmWave OOB-demo packets → radar readings of what the radar says: the nearest and the second-nearest
/// detected point at or above the sensor's MinSnrDb (weaker points are clutter, the radar's own gate). Which of them is
/// the static scene (the reference reflector, commissioned clutter) is judged once, downstream (Assessment/StaticScene.cs):
/// the second target lets fusion pass over the reflector to an obstacle behind it. The full point cloud goes to
/// <see cref="SensorState.PointSink"/> (commissioning).
/// </summary>
public static class TiMmwaveProtocol
{
    /// <summary>Also: the radar's CLI is configured at connect (<see cref="MmwaveConfigurator"/>), and commissioning learns its point
    /// cloud.</summary>
    public static ProtocolEntry Entry { get; } =
        new()
        {
            Name = "ti-mmwave",
            Kinds = [SensorKind.Radar],
            GivesBearing = true,
            Connect = static (endpoint, queue, time) => Connection(endpoint.Primary, queue, time),
            OwnKeys = ["ConfigPort", "ConfigFile", "MinSnrDb"],
            ReadOptions = static (o, r) =>
            {
                if (o.ConfigPort is not null && o.ConfigFile is null)
                    r.Error("ConfigFile", "is required with ConfigPort (the .cfg file of CLI lines to send)");
                if (o.ConfigFile is not null && o.ConfigPort is null)
                    r.Error("ConfigPort", "is required with ConfigFile (the radar's CLI serial port)");
                if (o.ConfigFile is not null && !File.Exists(o.ConfigFile))
                    r.Error("ConfigFile", $"file '{o.ConfigFile}' not found");
                return null;
            },
        };

    /// <summary>A connection of <paramref name="sensor"/>, with its MinSnrDb gate.</summary>
    public static FrameConnection<MmwaveFrame> Connection(SensorState sensor, ReadingQueue queue, TimeProvider time)
    {
        var decoder = new TiMmwaveDecoder();
        var minSnrDb = (float)sensor.Options.MinSnrDb;
        var gate = (float)sensor.Options.LateralGateM;
        return new FrameConnection<MmwaveFrame>(sensor, queue, time, decoder, (in MmwaveFrame f, long now, ref Reading r) =>
        {
            var points = decoder.LastPoints;
            var side = decoder.LastSideInfo;
            r.Targets = f.TargetCount;
            sensor.PointSink?.OnFrame(sensor.Index, now, points, side);
            var (i, j) = Nearest(points, side, minSnrDb, gate);
            if (i >= 0)
            {
                r.RangeM = points[i].RangeM;
                r.LateralM = points[i].X; // x across the boresight, right positive (docs/protocols.md §2)
                r.ClosingSpeedMps = -points[i].VelocityMps; // positive = moving away on the wire (docs/protocols.md §2)
                r.SnrDb = i < side.Length ? side[i].SnrDb : float.NaN;
            }
            if (j >= 0)
            {
                r.Range2M = points[j].RangeM;
                r.ClosingSpeed2Mps = -points[j].VelocityMps;
                r.Snr2Db = j < side.Length ? side[j].SnrDb : float.NaN;
            }
            return FrameUse.Reading;
        });
    }

    /// <summary>Indices of the nearest and second-nearest points at or above <paramref name="minSnrDb"/> (and, with a
    /// <paramref name="lateralGateM"/> over 0, within that distance of the boresight); −1 when none.</summary>
    internal static (int Nearest, int Second) Nearest(
        ReadOnlySpan<MmwavePoint> points,
        ReadOnlySpan<MmwaveSideInfo> side,
        float minSnrDb,
        float lateralGateM = 0
    )
    {
        int first = -1,
            second = -1;
        for (var i = 0; i < points.Length; i++)
        {
            if (i < side.Length && side[i].SnrDb < minSnrDb)
                continue; // clutter
            if (lateralGateM > 0 && MathF.Abs(points[i].X) > lateralGateM)
                continue; // beside a cab's track
            var range = points[i].RangeM;
            if (first < 0 || range < points[first].RangeM)
            {
                second = first;
                first = i;
            }
            else if (second < 0 || range < points[second].RangeM)
                second = i;
        }
        return (first, second);
    }
}
