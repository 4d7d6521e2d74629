using Kavach.Protocols;

namespace Kavach.Edge.Sensors.Protocols;

/// <summary>
/// JSON lines → readings. Lines are routed to the endpoint's sensor of the line's kind; a line without
/// a "sensor" field takes the kind of the endpoint's only sensor. Rejected lines count against the
/// endpoint's first sensor. Readings are stamped on arrival, once per received chunk.
/// </summary>
public sealed class JsonLinesConnection : IConnectionDecoder
{
    private readonly SensorEndpoint _endpoint;
    private readonly ReadingQueue _queue;
    private readonly TimeProvider _time;
    private readonly JsonLineDecoder _decoder;
    private readonly DecoderCursor _seen = new(countFrames: false); // frames are routed by kind below
    private readonly SensorKind _endpointKind;
    private readonly SensorState?[] _byKind = new SensorState?[4];
    private readonly int[] _frames = new int[4],
        _noReturn = new int[4];

    public JsonLinesConnection(SensorEndpoint endpoint, ReadingQueue queue, TimeProvider time)
    {
        _endpoint = endpoint;
        _queue = queue;
        _time = time;
        foreach (var s in endpoint.Sensors)
            _byKind[(int)s.Kind] = s;
        _endpointKind = endpoint.Sensors.Count == 1 ? endpoint.Primary.Kind : SensorKind.Unspecified;
        _decoder = new JsonLineDecoder(_endpointKind);
    }

    /// <summary>
    /// The kind named by where the bytes came from (an MQTT topic's last level: <c>kavach/sensors/lidar</c>) for
    /// the lines that follow without a "sensor" field; <see cref="SensorKind.Unspecified"/> = the endpoint's default.
    /// </summary>
    public SensorKind SourceKind
    {
        set => _decoder.DefaultKind = value != SensorKind.Unspecified ? value : _endpointKind;
    }

    /// <inheritdoc/>
    public long LastFrameTimestamp { get; private set; } = long.MinValue;

    public void OnBytes(ReadOnlySpan<byte> data)
    {
        var now = _time.GetTimestamp();
        while (_decoder.TryRead(ref data, out var f))
        {
            var sensor = _byKind[(int)f.Kind];
            if (sensor is null)
            {
                // a well-formed line for a kind this input does not carry
                _decoder.Counters.Reject(RejectReason.UnknownSensor, 0);
                continue;
            }
            _frames[(int)f.Kind]++;
            if (f.NoReturn)
                _noReturn[(int)f.Kind]++;
            var r = Reading.Empty(sensor.Index, sensor.Kind, now);
            switch (f.Kind)
            {
                case SensorKind.Lidar:
                    r.NoReturn = f.NoReturn;
                    r.DistanceM = f.DistanceM;
                    r.Strength = f.Strength;
                    r.Confidence = f.Confidence;
                    break;
                case SensorKind.Radar:
                    r.RangeM = f.RangeM;
                    r.ClosingSpeedMps = f.ClosingSpeedMps;
                    r.SnrDb = f.SnrDb;
                    r.Targets = f.Targets;
                    break;
                case SensorKind.Camera:
                    r.VisibilityM = !float.IsNaN(f.VisibilityM) ? f.VisibilityM : (float)(f.Visibility * sensor.Options.FullScaleM);
                    break;
            }
            LastFrameTimestamp = now;
            sensor.FrameDecoded(now, this);
            _queue.TryWrite(r, sensor);
        }
        Flush(now);
    }

    // Frames count against the sensor they were routed to; bytes and rejects against the endpoint's first.
    private void Flush(long now)
    {
        for (var k = 1; k < 4; k++)
        {
            if (_frames[k] == 0)
                continue;
            _byKind[k]!.AddFrames(_frames[k], _noReturn[k]);
            _frames[k] = _noReturn[k] = 0;
        }
        _endpoint.Primary.Absorb(_decoder.Counters, _seen, now);
    }

    public void OnEnd()
    {
        _decoder.EndOfStream();
        Flush(_time.GetTimestamp());
    }
}
