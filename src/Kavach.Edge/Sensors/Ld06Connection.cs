using Kavach.Protocols;

namespace Kavach.Edge.Sensors;

/// <summary>
/// LD06/LD19 packets → LiDAR readings of the nearest return inside the configured corridor
/// (CorridorStartDeg → CorridorEndDeg, MinIntensity). A packet with no point in the corridor looks
/// elsewhere and makes no reading; one whose corridor points are all empty or weak is a no-return.
/// </summary>
public sealed class Ld06Connection : IConnectionDecoder
{
    private readonly SensorState _sensor;
    private readonly ReadingQueue _queue;
    private readonly TimeProvider _time;
    private readonly Ld06Decoder _decoder;
    private readonly DecoderCursor _seen = new();

    public Ld06Connection(SensorState sensor, ReadingQueue queue, TimeProvider time)
    {
        _sensor = sensor;
        _queue = queue;
        _time = time;
        var o = sensor.Options;
        _decoder = new Ld06Decoder((float)o.CorridorStartDeg, (float)o.CorridorEndDeg, (byte)o.MinIntensity);
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
            if (!f.HasCorridorPoints) continue;
            var r = Reading.Empty(_sensor.Index, _sensor.Kind, now);
            r.NoReturn = f.NoReturn;
            r.DistanceM = f.NearestRangeM;
            r.Strength = f.NoReturn ? float.NaN : f.NearestIntensity;
            _queue.TryWrite(r, _sensor);
        }
        if (frames > 0)
        {
            LastFrameTimestamp = now;
            _sensor.FrameDecoded(now, this);
        }
        _sensor.Absorb(_decoder.Counters, _seen, now);
    }

    public void OnEnd()
    {
        _decoder.EndOfStream(); // a partial frame left over is counted, never decoded
        _sensor.Absorb(_decoder.Counters, _seen, _time.GetTimestamp());
    }
}
