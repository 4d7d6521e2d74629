namespace Kavach.Protocols;

/// <summary>What <see cref="IFrameFormat{TFrame}.Examine"/> found at the start of a window.</summary>
internal enum ExamineResult
{
    /// <summary>More bytes are needed; the length says how many in total.</summary>
    NeedMore,

    /// <summary>A frame of the given length was decoded.</summary>
    Frame,

    /// <summary>The bytes examined (the given length) do not form a valid frame.</summary>
    Reject,
}

/// <summary>One binary wire format as seen by <see cref="FrameAssembler"/>: a sync word and a frame check.</summary>
internal interface IFrameFormat<TFrame>
    where TFrame : struct
{
    /// <summary>
    /// Examines a window that starts with the format's full sync word. Returns <see cref="ExamineResult.NeedMore"/>
    /// with the total length needed (never more than the assembler's buffer: reject over-long lengths instead),
    /// <see cref="ExamineResult.Frame"/> with the frame length, or <see cref="ExamineResult.Reject"/> with the
    /// number of bytes examined (the frame or header length) and the reason. Must not throw.
    /// </summary>
    ExamineResult Examine(ReadOnlySpan<byte> window, out int length, out RejectReason reason, out TFrame frame);
}

/// <summary>
/// The stream loop shared by the binary decoders: finds sync words, keeps a partial frame in a fixed buffer
/// across calls, resynchronises after a bad frame one byte after its first byte, and keeps the counters so that
/// every byte is either part of a returned frame, rejected exactly once, or still pending in the buffer.
/// Not thread-safe: one reading thread per instance.
/// </summary>
internal sealed class FrameAssembler
{
    private readonly byte[] _buffer;
    private readonly byte[] _sync;
    private readonly DecoderCounters _counters;
    private int _length;

    public FrameAssembler(ReadOnlySpan<byte> sync, int maxFrameLength, DecoderCounters counters)
    {
        _sync = sync.ToArray();
        _buffer = new byte[maxFrameLength];
        _counters = counters;
    }

    /// <summary>Bytes of a partial frame held across calls.</summary>
    public int Pending => _length;

    public void Reset() => _length = 0;

    public bool TryRead<TFrame, TFormat>(ref ReadOnlySpan<byte> input, TFormat format, out TFrame frame)
        where TFrame : struct
        where TFormat : IFrameFormat<TFrame>
    {
        var fed = input.Length;
        var garbage = 0; // one BadHeader run per contiguous stretch within this call
        var found = false;
        frame = default;
        ReadOnlySpan<byte> sync = _sync;

        while (true)
        {
            if (_length == 0)
            {
                // Fast path: decode straight from the caller's span; copy only a trailing partial frame.
                if (input.IsEmpty)
                    break;
                var start = FrameSync.FindCandidate(input, sync);
                garbage += start;
                input = input[start..];
                if (input.IsEmpty)
                    break;
                if (input.Length < sync.Length)
                {
                    Keep(ref input);
                    break;
                }

                var result = format.Examine(input, out var length, out var reason, out frame);
                if (result == ExamineResult.Frame)
                {
                    input = input[length..];
                    found = true;
                    break;
                }

                if (result == ExamineResult.Reject)
                {
                    var drop = FrameSync.ResyncLength(input, length, sync);
                    Flush(ref garbage);
                    _counters.Reject(reason, drop);
                    input = input[drop..];
                    continue;
                }

                Keep(ref input);
                break;
            }
            else
            {
                // Slow path: the buffer starts with a (possibly partial) sync word; top it up.
                var window = _buffer.AsSpan(0, _length);
                var syncSeen = Math.Min(sync.Length, _length);
                if (!window[..syncSeen].SequenceEqual(sync[..syncSeen]))
                {
                    var drop = 1 + FrameSync.FindCandidate(window[1..], sync);
                    garbage += drop;
                    Shift(drop);
                    continue;
                }

                if (_length < sync.Length)
                {
                    if (!TopUp(ref input, sync.Length))
                        break;
                    continue;
                }

                var result = format.Examine(window, out var length, out var reason, out frame);
                if (result == ExamineResult.Frame)
                {
                    Flush(ref garbage);
                    Shift(length);
                    found = true;
                    break;
                }

                if (result == ExamineResult.Reject)
                {
                    var drop = FrameSync.ResyncLength(window, length, sync);
                    Flush(ref garbage);
                    _counters.Reject(reason, drop);
                    Shift(drop);
                    continue;
                }

                if (!TopUp(ref input, length))
                    break;
            }
        }

        Flush(ref garbage);
        _counters.Bytes += fed - input.Length;
        return found;
    }

    private void Flush(ref int garbage)
    {
        if (garbage == 0)
            return;
        _counters.Reject(RejectReason.BadHeader, garbage);
        garbage = 0;
    }

    private void Keep(ref ReadOnlySpan<byte> input)
    {
        // Examine never asks for more than the buffer holds, so a tail shorter than the needed length fits.
        var take = Math.Min(input.Length, _buffer.Length);
        input[..take].CopyTo(_buffer);
        _length = take;
        input = input[take..];
    }

    private bool TopUp(ref ReadOnlySpan<byte> input, int needed)
    {
        var take = Math.Min(Math.Min(needed, _buffer.Length) - _length, input.Length);
        if (take <= 0)
            return false;
        input[..take].CopyTo(_buffer.AsSpan(_length));
        _length += take;
        input = input[take..];
        return true;
    }

    private void Shift(int count)
    {
        if (count >= _length)
        {
            _length = 0;
            return;
        }

        _buffer.AsSpan(count, _length - count).CopyTo(_buffer);
        _length -= count;
    }
}

/// <summary>Sync-word search shared by the binary decoders.</summary>
internal static class FrameSync
{
    /// <summary>
    /// Index of the first byte that may start a frame: a full sync match, or a partial match running into the end
    /// of <paramref name="data"/> (more bytes will tell). Returns <c>data.Length</c> when there is none.
    /// </summary>
    public static int FindCandidate(ReadOnlySpan<byte> data, ReadOnlySpan<byte> sync)
    {
        var full = data.IndexOf(sync);
        if (full >= 0)
            return full;
        for (var i = Math.Max(0, data.Length - sync.Length + 1); i < data.Length; i++)
        {
            if (data[i..].SequenceEqual(sync[..(data.Length - i)]))
                return i;
        }

        return data.Length;
    }

    /// <summary>
    /// Bytes to drop after a bad frame of <paramref name="examined"/> bytes: up to the next candidate sync found
    /// from its second byte on (so a good frame overlapping the bad one is not lost), or the whole examined run.
    /// </summary>
    public static int ResyncLength(ReadOnlySpan<byte> window, int examined, ReadOnlySpan<byte> sync)
    {
        var limit = Math.Clamp(examined, 1, window.Length);
        return 1 + FindCandidate(window[1..limit], sync);
    }
}
