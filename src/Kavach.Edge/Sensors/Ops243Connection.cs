using Kavach.Protocols;

namespace Kavach.Edge.Sensors;

/// <summary>
/// OPS243 text lines → radar readings: a speed line is one target with its closing speed (range unknown on
/// the Doppler-only -A model), a range line one target at that range. Sign convention and speed unit from the
/// sensor's PositiveIsApproaching and SpeedUnit.
/// </summary>
public sealed class Ops243Connection : IConnectionDecoder
{
    private readonly SensorState _sensor;
    private readonly ReadingQueue _queue;
    private readonly TimeProvider _time;
    private readonly Ops243Decoder _decoder;
    private readonly DecoderCursor _seen = new();

    public Ops243Connection(SensorState sensor, ReadingQueue queue, TimeProvider time)
    {
        _sensor = sensor;
        _queue = queue;
        _time = time;
        _decoder = new Ops243Decoder(new Ops243Options
        {
            PositiveIsApproaching = sensor.Options.PositiveIsApproaching,
            SpeedUnit = sensor.Options.SpeedUnit,
        });
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
            r.RangeM = f.HasRange ? f.RangeM : float.NaN;
            r.ClosingSpeedMps = f.HasSpeed ? f.ClosingSpeedMps : float.NaN;
            r.Targets = f.HasRange || f.HasSpeed ? 1 : 0;
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
