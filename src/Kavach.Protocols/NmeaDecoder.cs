namespace Kavach.Protocols;

/// <summary>
/// Decodes an NMEA 0183 stream from a GNSS receiver (docs/protocols.md §8): RMC, VTG and GGA sentences from the
/// talkers GP, GN, GL, GA, GB/BD, GI and GQ. A sentence runs from <c>$</c> to LF (CR LF on the wire; a bare LF is
/// accepted) and must carry a correct <c>*hh</c> checksum. Other sentence types with a good checksum (GSV, GSA,
/// GLL, TXT, proprietary <c>$P…</c>) are counted in <see cref="IgnoredSentences"/>, neither returned nor rejected.
/// Bytes outside a sentence are one <see cref="RejectReason.BadHeader"/> run; a sentence cut short by the next
/// <c>$</c> is <see cref="RejectReason.BadLength"/>; one longer than <see cref="MaxSentenceLength"/> is
/// <see cref="RejectReason.TooLong"/> (and is skipped up to its LF or the next <c>$</c>). Every byte fed is, at any
/// time, in <see cref="AcceptedBytes"/>, in <see cref="DecoderCounters.RejectedBytes"/> or pending.
/// No I/O, no clock, no allocation per sentence. Not thread-safe: one reading thread per instance.
/// </summary>
public sealed class NmeaDecoder : StreamDecoder<NmeaFrame>
{
    /// <summary>
    /// Longest sentence accepted, <c>$</c> through LF. The standard allows 82; u-blox receivers in their high-precision
    /// NMEA mode send longer RMC and GGA sentences, so some slack is kept.
    /// </summary>
    public const int MaxSentenceLength = 128;

    private readonly byte[] _buffer = new byte[MaxSentenceLength];
    private int _length;
    private bool _discarding;

    /// <summary>Sentences with a good checksum that are not RMC, VTG or GGA.</summary>
    public long IgnoredSentences { get; private set; }

    /// <summary>Bytes of decoded and ignored sentences, terminators included.</summary>
    public long AcceptedBytes { get; private set; }

    /// <summary>Bytes of an unterminated sentence kept for the next call.</summary>
    public override int PendingBytes => _length;

    /// <summary>
    /// Consumes bytes from <paramref name="input"/> (advancing it) until a sentence yields a frame or the input is
    /// exhausted. Returns true with the frame when one completes; the caller loops until false. Never throws.
    /// </summary>
    public override bool TryRead(ref ReadOnlySpan<byte> input, out NmeaFrame frame)
    {
        var fed = input.Length;
        var found = false;
        frame = default;
        while (!input.IsEmpty && !found)
        {
            if (_discarding)
            {
                Discard(ref input);
                continue;
            }

            if (_length == 0)
            {
                var start = input.IndexOf((byte)'$');
                if (start != 0)
                {
                    var garbage = start < 0 ? input.Length : start;
                    Counters.Reject(RejectReason.BadHeader, garbage);
                    input = input[garbage..];
                    continue;
                }

                var end = input[1..].IndexOfAny((byte)'\n', (byte)'$');
                if (end < 0)
                {
                    Hold(ref input);
                    continue;
                }

                end++;
                if (input[end] == (byte)'$')
                {
                    CutShort(end);
                    input = input[end..];
                    continue;
                }

                var sentence = input[..(end + 1)];
                input = input[(end + 1)..];
                found = Complete(sentence, out frame);
            }
            else
            {
                var end = input.IndexOfAny((byte)'\n', (byte)'$');
                if (end < 0)
                {
                    Hold(ref input);
                    continue;
                }

                if (input[end] == (byte)'$')
                {
                    CutShort(_length + end);
                    _length = 0;
                    input = input[end..];
                    continue;
                }

                var total = _length + end + 1;
                if (total > MaxSentenceLength)
                {
                    Counters.Reject(RejectReason.TooLong, total);
                    _length = 0;
                    input = input[(end + 1)..];
                    continue;
                }

                input[..(end + 1)].CopyTo(_buffer.AsSpan(_length));
                input = input[(end + 1)..];
                _length = 0;
                found = Complete(_buffer.AsSpan(0, total), out frame);
            }
        }

        Counters.Bytes += fed - input.Length;
        return found;
    }

    /// <summary>Drops a partial sentence (a new connection). Counters are kept.</summary>
    public override void Reset()
    {
        _length = 0;
        _discarding = false;
    }

    /// <summary>A whole sentence, <c>$</c> through LF.</summary>
    private bool Complete(ReadOnlySpan<byte> sentence, out NmeaFrame frame)
    {
        if (sentence.Length > MaxSentenceLength)
        {
            Counters.Reject(RejectReason.TooLong, sentence.Length);
            frame = default;
            return false;
        }

        var line = sentence[..^1];
        if (!line.IsEmpty && line[^1] == (byte)'\r')
            line = line[..^1];
        switch (NmeaParser.Parse(line, out frame, out var reason))
        {
            case NmeaParse.Frame:
                AcceptedBytes += sentence.Length;
                Counters.Frames++;
                return true;
            case NmeaParse.Ignored:
                AcceptedBytes += sentence.Length;
                IgnoredSentences++;
                return false;
            default:
                Counters.Reject(reason, sentence.Length);
                return false;
        }
    }

    /// <summary>A sentence that the next <c>$</c> interrupted before its LF.</summary>
    private void CutShort(int length) =>
        Counters.Reject(length >= MaxSentenceLength ? RejectReason.TooLong : RejectReason.BadLength, length);

    /// <summary>No terminator in the input: keep the partial sentence, or start skipping an over-long one.</summary>
    private void Hold(ref ReadOnlySpan<byte> input)
    {
        // A held sentence still needs its LF, so at most MaxSentenceLength - 1 bytes can be waiting.
        if (_length + input.Length >= MaxSentenceLength)
        {
            Counters.Reject(RejectReason.TooLong, _length + input.Length);
            _length = 0;
            _discarding = true;
        }
        else
        {
            input.CopyTo(_buffer.AsSpan(_length));
            _length += input.Length;
        }

        input = default;
    }

    /// <summary>Skips the rest of an over-long sentence: up to and including its LF, or up to the next <c>$</c>.
    /// The bytes join the TooLong run already counted.</summary>
    private void Discard(ref ReadOnlySpan<byte> input)
    {
        var end = input.IndexOfAny((byte)'\n', (byte)'$');
        if (end < 0)
        {
            Counters.RejectedBytes += input.Length;
            input = default;
            return;
        }

        var skip = input[end] == (byte)'\n' ? end + 1 : end;
        Counters.RejectedBytes += skip;
        input = input[skip..];
        _discarding = false;
    }
}
