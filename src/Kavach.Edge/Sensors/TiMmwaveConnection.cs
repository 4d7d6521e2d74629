using Kavach.Edge.Configuration;
using Kavach.Protocols;

namespace Kavach.Edge.Sensors;

/// <summary>
/// TI mmWave OOB-demo packets → radar readings of the nearest detected point. With a commissioned reference
/// target (Risk.ReferenceRangeM &gt; 0), static points (|velocity| &lt; Risk.MinClosingSpeedMps) within
/// Risk.ConfirmToleranceM of the reference range are passed over, so an obstacle beyond or behind the reflector
/// is still the reading; when the reference is all there is, it is reported (the safety floor recognises it
/// and measures fog on it). Points weaker than the sensor's MinSnrDb are clutter and never the target.
/// </summary>
public sealed class TiMmwaveConnection : IConnectionDecoder
{
    private readonly SensorState _sensor;
    private readonly ReadingQueue _queue;
    private readonly TimeProvider _time;
    private readonly TiMmwaveDecoder _decoder = new();
    private readonly DecoderCursor _seen = new();
    private readonly float _referenceM, _toleranceM, _staticMps, _minSnrDb;

    public TiMmwaveConnection(SensorState sensor, ReadingQueue queue, TimeProvider time, RiskOptions risk)
    {
        _sensor = sensor;
        _queue = queue;
        _time = time;
        _referenceM = (float)risk.ReferenceRangeM;
        _toleranceM = (float)risk.ConfirmToleranceM;
        _staticMps = (float)risk.MinClosingSpeedMps;
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
            var i = Nearest(_decoder.LastPoints, _decoder.LastSideInfo);
            if (i >= 0)
            {
                var p = _decoder.LastPoints[i];
                r.RangeM = p.RangeM;
                r.ClosingSpeedMps = -p.VelocityMps; // positive = moving away on the wire (docs/protocols.md §2)
                var side = _decoder.LastSideInfo;
                r.SnrDb = i < side.Length ? side[i].SnrDb : float.NaN;
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

    /// <summary>Index of the nearest point that is not the static reference (the reference itself when it is alone); −1 when none.</summary>
    internal int Nearest(ReadOnlySpan<MmwavePoint> points, ReadOnlySpan<MmwaveSideInfo> side = default)
    {
        int nearest = -1, nearestAny = -1;
        float best = float.PositiveInfinity, bestAny = float.PositiveInfinity;
        for (var i = 0; i < points.Length; i++)
        {
            if (i < side.Length && side[i].SnrDb < _minSnrDb) continue; // clutter
            var range = points[i].RangeM;
            if (range < bestAny) { bestAny = range; nearestAny = i; }
            if (IsReference(range, points[i].VelocityMps)) continue;
            if (range < best) { best = range; nearest = i; }
        }
        return nearest >= 0 ? nearest : nearestAny;
    }

    // NaN velocity (legacy SDK 2.x packets) is never judged static: without a speed nothing is passed over.
    private bool IsReference(float rangeM, float velocityMps) =>
        _referenceM > 0 && MathF.Abs(rangeM - _referenceM) <= _toleranceM && MathF.Abs(velocityMps) < _staticMps;

    public void OnEnd()
    {
        _decoder.EndOfStream(); // a partial frame left over is counted, never decoded
        _sensor.Absorb(_decoder.Counters, _seen, _time.GetTimestamp());
    }
}
