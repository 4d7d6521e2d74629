using Kavach.Protocols;

namespace Kavach.Edge.Sensors;

/// <summary>
/// TI mmWave OOB-demo packets → radar readings of what the radar says: the nearest and the second-nearest detected
/// point at or above the sensor's MinSnrDb (weaker points are clutter, the radar's own gate). Which of them is the
/// static scene (the reference reflector, commissioned clutter) is judged once, downstream (Assessment/StaticScene.cs):
/// the second target lets fusion pass over the reflector to an obstacle behind it. The full point cloud goes to
/// <see cref="SensorState.PointSink"/> (commissioning).
/// </summary>
public sealed class TiMmwaveConnection : IConnectionDecoder
{
    private readonly SensorState _sensor;
    private readonly ReadingQueue _queue;
    private readonly TimeProvider _time;
    private readonly TiMmwaveDecoder _decoder = new();
    private readonly DecoderCursor _seen = new();
    private readonly float _minSnrDb;

    public TiMmwaveConnection(SensorState sensor, ReadingQueue queue, TimeProvider time)
    {
        _sensor = sensor;
        _queue = queue;
        _time = time;
        _minSnrDb = (float)sensor.Options.MinSnrDb;
    }

    /// <inheritdoc/>
    public long LastFrameTimestamp { get; private set; } = long.MinValue;

    public void OnBytes(ReadOnlySpan<byte> data)
    {
        var now = _time.GetTimestamp();
        var frames = 0;
        while (_decoder.TryRead(ref data, out var f))
        {
            frames++;
            var r = Reading.Empty(_sensor.Index, _sensor.Kind, now);
            r.Targets = f.TargetCount;
            _sensor.PointSink?.OnFrame(_sensor.Index, now, _decoder.LastPoints, _decoder.LastSideInfo);
            var (i, j) = Nearest(_decoder.LastPoints, _decoder.LastSideInfo);
            var points = _decoder.LastPoints;
            var side = _decoder.LastSideInfo;
            if (i >= 0)
            {
                r.RangeM = points[i].RangeM;
                r.ClosingSpeedMps = -points[i].VelocityMps; // positive = moving away on the wire (docs/protocols.md §2)
                r.SnrDb = i < side.Length ? side[i].SnrDb : float.NaN;
            }
            if (j >= 0)
            {
                r.Range2M = points[j].RangeM;
                r.ClosingSpeed2Mps = -points[j].VelocityMps;
                r.Snr2Db = j < side.Length ? side[j].SnrDb : float.NaN;
            }
            _queue.TryWrite(r, _sensor);
        }
        if (frames > 0)
        {
            LastFrameTimestamp = now;
            _sensor.FrameDecoded(now, this);
        }
        _sensor.Absorb(_decoder.Counters, _seen, now);
    }

    /// <summary>Indices of the nearest and second-nearest points at or above MinSnrDb; −1 when none.</summary>
    internal (int Nearest, int Second) Nearest(ReadOnlySpan<MmwavePoint> points, ReadOnlySpan<MmwaveSideInfo> side = default)
    {
        int first = -1, second = -1;
        for (var i = 0; i < points.Length; i++)
        {
            if (i < side.Length && side[i].SnrDb < _minSnrDb) continue; // clutter
            var range = points[i].RangeM;
            if (first < 0 || range < points[first].RangeM) { second = first; first = i; }
            else if (second < 0 || range < points[second].RangeM) second = i;
        }
        return (first, second);
    }

    public void OnEnd()
    {
        _decoder.EndOfStream(); // a partial frame left over is counted, never decoded
        _sensor.Absorb(_decoder.Counters, _seen, _time.GetTimestamp());
    }
}
