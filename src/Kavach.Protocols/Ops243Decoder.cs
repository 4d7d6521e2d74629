namespace Kavach.Protocols;

/// <summary>
/// Decodes OmniPreSense OPS243 text output (docs/protocols.md §4; user manual UM-003-A, API spec AN-010): plain number
/// lines, <c>time, value</c> lines, <c>"unit",value</c> lines and the <c>OJ</c> JSON lines with "speed",
/// "direction", "range", "unit" and "time" keys (exact keys UNCONFIRMED; other keys are ignored). A line ends at CR
/// or LF; blank lines are skipped. Not thread-safe: one reading thread per instance.
/// </summary>
public sealed class Ops243Decoder : StreamDecoder<Ops243Frame>
{
    /// <summary>Longest line accepted (terminator excluded); OPS243 lines are well under 100 bytes.</summary>
    public const int MaxLineBytes = 256;

    private readonly byte[] _line = new byte[MaxLineBytes];
    private readonly Ops243Options _options;
    private int _length;
    private bool _discarding;
    private int _discarded;

    /// <summary>Creates a decoder for a sensor set up as <paramref name="options"/> says (defaults when null).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Invalid options.</exception>
    public Ops243Decoder(Ops243Options? options = null)
    {
        _options = options ?? new Ops243Options();
        _options.Validate();
    }

    /// <summary>The sensor set-up this decoder applies.</summary>
    public Ops243Options Options => _options;

    /// <summary>Bytes of an unterminated line kept for the next call.</summary>
    public override int PendingBytes => _length;

    /// <summary>
    /// Consumes bytes from <paramref name="input"/> (advancing it) until one line yields a frame or the input is
    /// exhausted. Returns true with the frame when one completes; the caller loops until false. Never throws.
    /// A rejected line is counted as one run including its terminator.
    /// </summary>
    public override bool TryRead(ref ReadOnlySpan<byte> input, out Ops243Frame frame)
    {
        var fed = input.Length;
        var found = false;
        frame = default;
        while (!input.IsEmpty)
        {
            var end = input.IndexOfAny((byte)'\r', (byte)'\n');
            if (end < 0)
            {
                if (_discarding)
                {
                    _discarded += input.Length;
                }
                else if (_length + input.Length > MaxLineBytes)
                {
                    _discarding = true;
                    _discarded = _length + input.Length;
                    _length = 0;
                }
                else
                {
                    input.CopyTo(_line.AsSpan(_length));
                    _length += input.Length;
                }

                input = default;
                break;
            }

            var segment = input[..end];
            input = input[(end + 1)..];
            if (_discarding)
            {
                Counters.Reject(RejectReason.TooLong, _discarded + end + 1);
                _discarding = false;
                _discarded = 0;
                continue;
            }

            if (_length + end > MaxLineBytes)
            {
                Counters.Reject(RejectReason.TooLong, _length + end + 1);
                _length = 0;
                continue;
            }

            var line = segment;
            if (_length > 0)
            {
                segment.CopyTo(_line.AsSpan(_length));
                line = _line.AsSpan(0, _length + end);
                _length = 0;
            }

            var trimmed = Ops243Text.Trim(line);
            if (trimmed.IsEmpty)
                continue; // the LF of CR LF, or a blank line: nothing to keep or reject

            if (TryParseLine(trimmed, out frame, out var reason))
            {
                found = true;
                break;
            }

            Counters.Reject(reason, line.Length + 1);
        }

        if (_discarding && _discarded > 0)
        {
            // Report the over-long run now so the counters never lag a call; the rest is counted at its terminator.
            Counters.Reject(RejectReason.TooLong, _discarded);
            _discarded = 0;
        }

        Counters.Bytes += fed - input.Length;
        if (found)
            Counters.Frames++;
        return found;
    }

    /// <summary>Drops a partial line (a new connection). Counters are kept.</summary>
    public override void Reset()
    {
        _length = 0;
        _discarding = false;
        _discarded = 0;
    }

    private bool TryParseLine(ReadOnlySpan<byte> line, out Ops243Frame frame, out RejectReason reason)
    {
        frame = default;
        var fields = new Ops243Text.Fields
        {
            SpeedUnit = _options.SpeedUnit,
            RangeUnit = _options.RangeUnit,
            Time = float.NaN,
        };
        bool ok;
        if (line[0] == (byte)'{')
            ok = Ops243Text.ParseJson(line, ref fields, out reason);
        else if (line[0] == (byte)'"')
            ok = Ops243Text.ParseLabelled(line, ref fields, out reason);
        else
            ok = Ops243Text.ParseNumbers(line, _options.PlainValueIsRange, ref fields, out reason);
        if (!ok)
            return false;

        if (!fields.HasSpeed && !fields.HasRange)
        {
            reason = RejectReason.MissingField;
            return false;
        }

        if (fields.HasRange && fields.Range < 0f)
        {
            reason = RejectReason.ImpossibleValue;
            return false;
        }

        var closing = float.NaN;
        if (fields.HasSpeed)
        {
            var mps = fields.Speed * Ops243Options.MpsPer(fields.SpeedUnit);
            // A "direction" field wins: inbound (towards the sensor) is approaching. Otherwise apply the sign convention.
            closing = fields.Direction switch
            {
                > 0 => MathF.Abs(mps),
                < 0 => -MathF.Abs(mps),
                _ => _options.PositiveIsApproaching ? mps : -mps,
            };
        }

        frame = new Ops243Frame
        {
            HasSpeed = fields.HasSpeed,
            ClosingSpeedMps = closing,
            HasRange = fields.HasRange,
            RangeM = fields.HasRange ? fields.Range * Ops243Options.MetersPer(fields.RangeUnit) : float.NaN,
            SensorTimeS = fields.Time,
        };
        return true;
    }
}
