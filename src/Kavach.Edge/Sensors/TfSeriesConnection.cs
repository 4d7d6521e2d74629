using Kavach.Protocols;

namespace Kavach.Edge.Sensors;

/// <summary>
/// Benewake TF-series 9-byte frames → LiDAR readings. The model's no-return rules come from the decoder
/// (PROTOCOLS.md §1); a return weaker than the sensor's configured MinStrength is a no-return too.
/// Readings are stamped on arrival, once per received chunk; the decoder's counters are folded in once per chunk.
/// </summary>
public sealed class TfSeriesConnection : IConnectionDecoder
{
    private readonly SensorState _sensor;
    private readonly ReadingQueue _queue;
    private readonly TimeProvider _time;
    private readonly TfSeriesDecoder _decoder;
    private readonly DecoderCursor _seen = new();
    private readonly float _minStrength;

    public TfSeriesConnection(SensorState sensor, ReadingQueue queue, TimeProvider time)
    {
        _sensor = sensor;
        _queue = queue;
        _time = time;
        if (!TfVariants.TryParse(sensor.Options.Variant, out var variant))
            throw new ArgumentException($"sensor {sensor.Name}: unknown tf-series variant '{sensor.Options.Variant}'");
        _decoder = new TfSeriesDecoder(variant);
        _minStrength = (float)sensor.Options.MinStrength;
    }

    /// <inheritdoc/>
    public long LastFrameTimestamp { get; private set; } = long.MinValue;

    public void OnBytes(ReadOnlySpan<byte> data)
    {
        var now = _time.GetTimestamp();
        var frames = 0;
        var weak = 0;
        while (_decoder.TryRead(ref data, out var f))
        {
            frames++;
            var r = Reading.Empty(_sensor.Index, _sensor.Kind, now);
            r.NoReturn = f.NoReturn || f.Strength < _minStrength;
            r.DistanceM = r.NoReturn ? float.NaN : f.DistanceM;
            r.Strength = f.Strength;
            if (r.NoReturn && !f.NoReturn) weak++;
            _queue.TryWrite(r, _sensor);
        }
        if (frames > 0)
        {
            LastFrameTimestamp = now;
            _sensor.FrameDecoded(now, this);
        }
        _sensor.Absorb(_decoder.Counters, _seen, now);
        if (weak > 0) _sensor.AddFrames(frames: 0, noReturn: weak); // the model's rules passed them, MinStrength did not
    }

    public void OnEnd()
    {
        _decoder.EndOfStream(); // a partial frame left over is counted, never decoded
        _sensor.Absorb(_decoder.Counters, _seen, _time.GetTimestamp());
    }
}
