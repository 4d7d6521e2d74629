namespace Kavach.Protocols;

/// <summary>
/// The shell every wire-format decoder shares: bytes in any split → frames, with counters, a partial frame kept across
/// calls, and the end of a stream counted. The transport never sees a format; the sensor layer drives any decoder
/// through this contract. No I/O, no clock, never throws on input. Not thread-safe: one reading thread per instance.
/// </summary>
/// <typeparam name="TFrame">The decoded frame (a struct: no allocation per frame).</typeparam>
public abstract class StreamDecoder<TFrame>
    where TFrame : struct
{
    /// <summary>What this decoder has seen (cumulative; <see cref="DecoderCounters.LastReject"/> names the last cause).</summary>
    public DecoderCounters Counters { get; } = new();

    /// <summary>Bytes of a partial frame kept for the next call.</summary>
    public abstract int PendingBytes { get; }

    /// <summary>
    /// Consumes bytes from <paramref name="input"/> (advancing it) until one frame is complete or the input is
    /// exhausted. Returns true with the frame when one completes; the caller loops until false. Never throws.
    /// </summary>
    public abstract bool TryRead(ref ReadOnlySpan<byte> input, out TFrame frame);

    /// <summary>
    /// The stream ended (peer gone, port closed): a partial frame left over is counted as one
    /// <see cref="RejectReason.BadLength"/> run, never decoded, and the state is reset for the next connection.
    /// </summary>
    public virtual void EndOfStream()
    {
        if (PendingBytes > 0)
            Counters.Reject(RejectReason.BadLength, PendingBytes);
        Reset();
    }

    /// <summary>Drops a partial frame without counting it (a new connection). Counters are kept.</summary>
    public abstract void Reset();
}
