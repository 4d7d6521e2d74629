using System.Globalization;
using System.Text;

namespace Kavach.Protocols;

/// <summary>Allocation-free scanning of OPS243 lines.</summary>
internal static class Ops243Text
{
    internal struct Fields
    {
        public bool HasSpeed;
        public float Speed;
        public int Direction; // +1 inbound, −1 outbound, 0 not given
        public bool HasRange;
        public float Range;
        public float Time;
        public Ops243SpeedUnit SpeedUnit;
        public Ops243RangeUnit RangeUnit;
    }

    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> s) => s.Trim(" \t"u8);

    /// <summary><c>value</c> or <c>time, value</c>.</summary>
    public static bool ParseNumbers(ReadOnlySpan<byte> line, bool valueIsRange, ref Fields fields, out RejectReason reason)
    {
        var comma = line.IndexOf((byte)',');
        var valueText = line;
        if (comma >= 0)
        {
            if (!TryNumber(line[..comma], out fields.Time, out reason))
                return false;
            valueText = line[(comma + 1)..];
            if (valueText.IndexOf((byte)',') >= 0)
            {
                reason = RejectReason.Malformed;
                return false;
            }
        }

        if (!TryNumber(valueText, out var value, out reason))
            return false;
        if (valueIsRange)
        {
            fields.HasRange = true;
            fields.Range = value;
        }
        else
        {
            fields.HasSpeed = true;
            fields.Speed = value;
        }

        return true;
    }

    /// <summary><c>"unit",value</c> (units output on): the label says whether the value is a speed or a range.</summary>
    public static bool ParseLabelled(ReadOnlySpan<byte> line, ref Fields fields, out RejectReason reason)
    {
        reason = RejectReason.Malformed;
        var close = line[1..].IndexOf((byte)'"');
        if (close < 0)
            return false;
        var label = line.Slice(1, close);
        var rest = Trim(line[(close + 2)..]);
        if (rest.IsEmpty || rest[0] != (byte)',')
            return false;
        if (!TryNumber(rest[1..], out var value, out reason))
            return false;
        return Assign(label, value, ref fields, out reason);
    }

    /// <summary>A flat JSON object; string or number values; unknown keys ignored.</summary>
    public static bool ParseJson(ReadOnlySpan<byte> line, ref Fields fields, out RejectReason reason)
    {
        reason = RejectReason.Malformed;
        if (line[^1] != (byte)'}')
            return false;
        var body = line[1..^1];
        var hasSpeed = false;
        var hasRange = false;
        float speed = 0f,
            range = 0f;
        var unit = ReadOnlySpan<byte>.Empty;
        while (true)
        {
            body = Trim(body);
            if (body.IsEmpty)
                break;
            if (body[0] != (byte)'"')
                return false;
            var keyEnd = body[1..].IndexOf((byte)'"');
            if (keyEnd < 0)
                return false;
            var key = body.Slice(1, keyEnd);
            body = Trim(body[(keyEnd + 2)..]);
            if (body.IsEmpty || body[0] != (byte)':')
                return false;
            body = Trim(body[1..]);
            if (body.IsEmpty)
                return false;

            ReadOnlySpan<byte> value;
            var quoted = body[0] == (byte)'"';
            if (quoted)
            {
                var valueEnd = body[1..].IndexOf((byte)'"');
                if (valueEnd < 0)
                    return false;
                value = body.Slice(1, valueEnd);
                body = Trim(body[(valueEnd + 2)..]);
            }
            else
            {
                if (body[0] is (byte)'[' or (byte)'{')
                {
                    reason = RejectReason.WrongType;
                    return false;
                }

                var valueEnd = body.IndexOf((byte)',');
                if (valueEnd < 0)
                    valueEnd = body.Length;
                value = Trim(body[..valueEnd]);
                body = body[valueEnd..];
            }

            if (!body.IsEmpty)
            {
                if (body[0] != (byte)',')
                    return false;
                body = body[1..];
            }

            if (key.SequenceEqual("speed"u8))
            {
                if (!TryNumber(value, out speed, out reason))
                    return WrongTypeIfText(ref reason);
                hasSpeed = true;
            }
            else if (key.SequenceEqual("range"u8))
            {
                if (!TryNumber(value, out range, out reason))
                    return WrongTypeIfText(ref reason);
                hasRange = true;
            }
            else if (key.SequenceEqual("time"u8))
            {
                if (!TryNumber(value, out fields.Time, out reason))
                    return WrongTypeIfText(ref reason);
            }
            else if (key.SequenceEqual("direction"u8))
            {
                if (!quoted)
                {
                    reason = RejectReason.WrongType;
                    return false;
                }

                if (Ascii.EqualsIgnoreCase(value, "inbound"u8))
                    fields.Direction = 1;
                else if (Ascii.EqualsIgnoreCase(value, "outbound"u8))
                    fields.Direction = -1;
                else
                    return false;
            }
            else if (key.SequenceEqual("unit"u8))
            {
                unit = value;
            }
        }

        if (hasSpeed)
        {
            fields.HasSpeed = true;
            fields.Speed = speed;
            if (!unit.IsEmpty && !Assign(unit, speed, ref fields, out reason))
                return false;
        }

        if (hasRange)
        {
            fields.HasRange = true;
            fields.Range = range;
            if (!unit.IsEmpty && !hasSpeed && !Assign(unit, range, ref fields, out reason))
                return false;
        }

        reason = default;
        return true;
    }

    private static bool WrongTypeIfText(ref RejectReason reason)
    {
        if (reason == RejectReason.Malformed)
            reason = RejectReason.WrongType;
        return false;
    }

    /// <summary>Sets the speed or the range from a unit label (OPS243 unit names; UNCONFIRMED spellings accepted too).</summary>
    private static bool Assign(ReadOnlySpan<byte> label, float value, ref Fields fields, out RejectReason reason)
    {
        reason = RejectReason.Malformed;
        if (TrySpeedUnit(label, out var speedUnit))
        {
            fields.HasSpeed = true;
            fields.Speed = value;
            fields.SpeedUnit = speedUnit;
            return true;
        }

        if (TryRangeUnit(label, out var rangeUnit))
        {
            fields.HasRange = true;
            fields.Range = value;
            fields.RangeUnit = rangeUnit;
            return true;
        }

        return false;
    }

    private static bool TrySpeedUnit(ReadOnlySpan<byte> label, out Ops243SpeedUnit unit)
    {
        unit = Ops243SpeedUnit.MetersPerSecond;
        if (Ascii.EqualsIgnoreCase(label, "mps"u8) || Ascii.EqualsIgnoreCase(label, "m/s"u8))
            return true;
        unit = Ops243SpeedUnit.KilometersPerHour;
        if (Ascii.EqualsIgnoreCase(label, "kmph"u8) || Ascii.EqualsIgnoreCase(label, "km/h"u8) || Ascii.EqualsIgnoreCase(label, "kph"u8))
            return true;
        unit = Ops243SpeedUnit.MilesPerHour;
        if (Ascii.EqualsIgnoreCase(label, "mph"u8))
            return true;
        unit = Ops243SpeedUnit.FeetPerSecond;
        if (Ascii.EqualsIgnoreCase(label, "fps"u8) || Ascii.EqualsIgnoreCase(label, "ft/s"u8))
            return true;
        unit = Ops243SpeedUnit.CentimetersPerSecond;
        return Ascii.EqualsIgnoreCase(label, "cmps"u8) || Ascii.EqualsIgnoreCase(label, "cm/s"u8);
    }

    private static bool TryRangeUnit(ReadOnlySpan<byte> label, out Ops243RangeUnit unit)
    {
        unit = Ops243RangeUnit.Meters;
        if (Ascii.EqualsIgnoreCase(label, "m"u8))
            return true;
        unit = Ops243RangeUnit.Centimeters;
        if (Ascii.EqualsIgnoreCase(label, "cm"u8))
            return true;
        unit = Ops243RangeUnit.Feet;
        return Ascii.EqualsIgnoreCase(label, "ft"u8);
    }

    /// <summary>A finite invariant-culture number; a quoted number is accepted too.</summary>
    public static bool TryNumber(ReadOnlySpan<byte> text, out float value, out RejectReason reason)
    {
        text = Trim(text);
        if (text.Length >= 2 && text[0] == (byte)'"' && text[^1] == (byte)'"')
            text = Trim(text[1..^1]);
        if (text.IsEmpty || !float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            value = 0f;
            reason = RejectReason.Malformed;
            return false;
        }

        if (!float.IsFinite(value))
        {
            reason = RejectReason.NotFinite;
            return false;
        }

        reason = default;
        return true;
    }
}
