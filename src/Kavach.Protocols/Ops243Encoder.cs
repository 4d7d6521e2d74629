using System.Globalization;

namespace Kavach.Protocols;

/// <summary>Writes OPS243 text lines (docs/protocols.md §4) for the simulator and the tests; lines end in CR LF.</summary>
public static class Ops243Encoder
{
    /// <summary>Longest line this encoder writes, terminator included.</summary>
    public const int MaxLineLength = 96;

    /// <summary>
    /// Writes a speed line: the closing speed (m/s, positive = approaching) converted to the options' unit and sign
    /// convention, with two decimals as the sensor prints them. JSON lines carry the magnitude and a "direction".
    /// Returns the byte count.
    /// </summary>
    /// <exception cref="ArgumentException">A destination shorter than the line, or a speed that is not finite.</exception>
    public static int EncodeSpeed(
        Span<byte> dest,
        float closingSpeedMps,
        Ops243LineStyle style,
        Ops243Options options,
        float sensorTimeS = 0f
    )
    {
        if (!float.IsFinite(closingSpeedMps))
            throw new ArgumentException("speed must be finite", nameof(closingSpeedMps));
        var value = closingSpeedMps / Ops243Options.MpsPer(options.SpeedUnit);
        var w = new Writer(dest);
        switch (style)
        {
            case Ops243LineStyle.Json:
                w.Append("{\"speed\":"u8);
                w.Append(MathF.Abs(value), "F2");
                w.Append(closingSpeedMps >= 0f ? ", \"direction\":\"inbound\""u8 : ", \"direction\":\"outbound\""u8);
                w.Append(", \"time\":"u8);
                w.Append(sensorTimeS, "F3");
                w.Append("}"u8);
                break;
            case Ops243LineStyle.Timed:
                w.Append(sensorTimeS, "F3");
                w.Append(", "u8);
                w.Append(options.PositiveIsApproaching ? value : -value, "F2");
                break;
            default:
                w.Append(options.PositiveIsApproaching ? value : -value, "F2");
                break;
        }

        w.Append("\r\n"u8);
        return w.Length;
    }

    /// <summary>
    /// Writes a range line in the options' range unit. Plain and timed range lines are read as ranges only by a
    /// decoder with <see cref="Ops243Options.PlainValueIsRange"/>; JSON lines name their unit. Returns the byte count.
    /// </summary>
    /// <exception cref="ArgumentException">A destination shorter than the line, or a range that is not finite.</exception>
    public static int EncodeRange(Span<byte> dest, float rangeM, Ops243LineStyle style, Ops243Options options, float sensorTimeS = 0f)
    {
        if (!float.IsFinite(rangeM))
            throw new ArgumentException("range must be finite", nameof(rangeM));
        var value = rangeM / Ops243Options.MetersPer(options.RangeUnit);
        var w = new Writer(dest);
        switch (style)
        {
            case Ops243LineStyle.Json:
                w.Append("{\"range\":"u8);
                w.Append(value, "F2");
                w.Append(
                    options.RangeUnit switch
                    {
                        Ops243RangeUnit.Centimeters => ", \"unit\":\"cm\"}"u8,
                        Ops243RangeUnit.Feet => ", \"unit\":\"ft\"}"u8,
                        _ => ", \"unit\":\"m\"}"u8,
                    }
                );
                break;
            case Ops243LineStyle.Timed:
                w.Append(sensorTimeS, "F3");
                w.Append(", "u8);
                w.Append(value, "F2");
                break;
            default:
                w.Append(value, "F2");
                break;
        }

        w.Append("\r\n"u8);
        return w.Length;
    }

    private ref struct Writer(Span<byte> dest)
    {
        private readonly Span<byte> _dest = dest;

        public int Length { get; private set; }

        public void Append(ReadOnlySpan<byte> text)
        {
            if (!text.TryCopyTo(_dest[Length..]))
                throw new ArgumentException("destination too short for the line", nameof(dest));
            Length += text.Length;
        }

        public void Append(float value, string format)
        {
            if (!value.TryFormat(_dest[Length..], out var written, format, CultureInfo.InvariantCulture))
                throw new ArgumentException("destination too short for the line", nameof(dest));
            Length += written;
        }
    }
}
