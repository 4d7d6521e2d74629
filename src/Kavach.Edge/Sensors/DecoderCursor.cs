using Kavach.Protocols;

namespace Kavach.Edge.Sensors;

/// <summary>
/// How much of one decoder's cumulative <see cref="DecoderCounters"/> is already in a sensor's totals. The
/// connection that owns the decoder owns one cursor beside it, and <see cref="SensorState.Absorb"/> adds only what
/// is new since the cursor, then moves it. Used on that connection's reading thread only.
/// </summary>
public sealed class DecoderCursor(bool countFrames = true)
{
    internal readonly long[] Rejects = new long[RejectReasons.Count];
    internal long Frames,
        NoReturn,
        Bytes,
        RejectedBytes;

    /// <summary>False when the connection routes frames to its sensors itself (json-lines, by kind): then only bytes
    /// and rejects are absorbed.</summary>
    public bool CountFrames { get; } = countFrames;
}
