using Kavach.Protocols;

namespace Kavach.Edge.Sensors;

/// <summary>What one decoded frame becomes (<see cref="MapFrame{TFrame}"/>).</summary>
public enum FrameUse
{
    /// <summary>No reading (an LD06 packet that looks outside the corridor): counted as a frame, nothing queued.</summary>
    Skip,

    /// <summary>A reading, as the frame says.</summary>
    Reading,

    /// <summary>A reading that the sensor's own configured gate (TF MinStrength) turned into a no-return the decoder
    /// did not count as one: counted as a no-return here.</summary>
    GatedNoReturn,
}

/// <summary>A protocol's frame → reading mapping (fills <paramref name="reading"/>, stamped and addressed already).
/// Created per connection by the protocol's entry; must not allocate.</summary>
public delegate FrameUse MapFrame<TFrame>(in TFrame frame, long now, ref Reading reading)
    where TFrame : struct;

/// <summary>
/// One connection of a single-sensor protocol: the bytes through the protocol's decoder, each frame mapped to a
/// reading on the queue. The shell every binary and text protocol shares; only json-lines, which routes lines to
/// several sensors by kind, has its own. Readings are stamped on arrival, once per received chunk; the decoder's
/// cumulative counters are folded in once per chunk. Not thread-safe; the transport that owns the connection calls it.
/// </summary>
public sealed class FrameConnection<TFrame>(
    SensorState sensor,
    ReadingQueue queue,
    TimeProvider time,
    StreamDecoder<TFrame> decoder,
    MapFrame<TFrame> map
) : IConnectionDecoder
    where TFrame : struct
{
    private readonly DecoderCursor _seen = new();

    /// <summary>The decoder of this connection.</summary>
    public StreamDecoder<TFrame> Decoder => decoder;

    /// <inheritdoc/>
    public long LastFrameTimestamp { get; private set; } = long.MinValue;

    public void OnBytes(ReadOnlySpan<byte> data)
    {
        var now = time.GetTimestamp();
        int frames = 0,
            gated = 0;
        while (decoder.TryRead(ref data, out var f))
        {
            frames++;
            var r = Reading.Empty(sensor.Index, sensor.Kind, now);
            var use = map(in f, now, ref r);
            if (use == FrameUse.Skip)
                continue;
            if (use == FrameUse.GatedNoReturn)
                gated++;
            queue.TryWrite(r, sensor);
        }
        if (frames > 0)
        {
            LastFrameTimestamp = now;
            sensor.FrameDecoded(now, this);
        }
        sensor.Absorb(decoder.Counters, _seen, now);
        if (gated > 0)
            sensor.AddFrames(frames: 0, noReturn: gated); // the decoder passed them, the sensor's gate did not
    }

    public void OnEnd()
    {
        decoder.EndOfStream(); // a partial frame left over is counted, never decoded
        sensor.Absorb(decoder.Counters, _seen, time.GetTimestamp());
    }
}
