using System.Runtime.InteropServices;

namespace Kavach.Protocols;

/// <summary>What <see cref="NmeaParser.Parse"/> made of one sentence.</summary>
internal enum NmeaParse
{
    /// <summary>An RMC, VTG or GGA sentence, decoded.</summary>
    Frame,

    /// <summary>A sentence with a good checksum that this decoder does not read (GSV, GSA, GLL, TXT, proprietary $P...).</summary>
    Ignored,

    /// <summary>Refused; the reason says why.</summary>
    Reject,
}

/// <summary>
/// Allocation-free parsing of one NMEA 0183 sentence (docs/protocols.md §8), from <c>$</c> up to, not including,
/// its line terminator. Order of checks: checksum (<c>*hh</c> present and equal to the XOR of the bytes between
/// <c>$</c> and <c>*</c>), characters (printable ASCII), address (talker, type), then fields.
/// </summary>
internal static class NmeaParser
{
    // Field counts after the address (NMEA 0183 2.0 / 2.3+ / 4.10 with navStatus for RMC).
    private const int RmcMinFields = 11,
        RmcMaxFields = 13,
        VtgMinFields = 8,
        VtgMaxFields = 9,
        GgaFields = 14;

    /// <summary>Highest speed over ground accepted, knots (a receiver's dynamic limit is about 500 m/s ≈ 970 kn).</summary>
    public const double MaxSpeedKnots = 1000;

    public static NmeaParse Parse(ReadOnlySpan<byte> line, out NmeaFrame frame, out RejectReason reason)
    {
        frame = default;
        reason = default;
        // "$" + address (5) + "*hh" at least.
        if (line.Length < 9 || line[^3] != (byte)'*')
            return Refuse(RejectReason.BadChecksum, out reason);
        var body = line[1..^3];
        if (!TryHex(line[^2], out var hi) || !TryHex(line[^1], out var lo) || Checksum(body) != (hi << 4 | lo))
            return Refuse(RejectReason.BadChecksum, out reason);
        if (body.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) >= 0 || body.IndexOf((byte)'*') >= 0)
            return Refuse(RejectReason.Malformed, out reason);

        if (body[0] == (byte)'P')
            return NmeaParse.Ignored; // proprietary ($PUBX, ...): checksum good, not ours
        if (body.Length > 5 && body[5] != (byte)',')
            return Refuse(RejectReason.Malformed, out reason);
        if (!NmeaNames.TryTalker(body[0], body[1], out var talker))
        {
            return IsUpper(body[0]) && IsUpper(body[1])
                ? Refuse(RejectReason.UnknownSensor, out reason)
                : Refuse(RejectReason.Malformed, out reason);
        }

        var type = body.Slice(2, 3);
        var fields = body.Length > 5 ? body[6..] : default;
        var count = body.Length > 5 ? fields.Count((byte)',') + 1 : 0;
        frame = NmeaFrame.Empty(NmeaSentence.Rmc, talker);
        bool ok;
        if (type.SequenceEqual("RMC"u8))
            ok = Rmc(fields, count, ref frame, out reason);
        else if (type.SequenceEqual("VTG"u8))
            ok = Vtg(fields, count, ref frame, out reason);
        else if (type.SequenceEqual("GGA"u8))
            ok = Gga(fields, count, ref frame, out reason);
        else
        {
            frame = default;
            return IsUpper(type[0]) && IsUpper(type[1]) && IsUpper(type[2])
                ? NmeaParse.Ignored
                : Refuse(RejectReason.Malformed, out reason);
        }

        if (ok)
            return NmeaParse.Frame;
        frame = default;
        return NmeaParse.Reject;
    }

    /// <summary>XOR of every byte (the NMEA checksum of the bytes between <c>$</c> and <c>*</c>).</summary>
    public static int Checksum(ReadOnlySpan<byte> body)
    {
        ulong wide = 0;
        var i = 0;
        for (; i + 8 <= body.Length; i += 8)
            wide ^= MemoryMarshal.Read<ulong>(body[i..]);
        wide ^= wide >> 32;
        wide ^= wide >> 16;
        wide ^= wide >> 8;
        var x = (int)(wide & 0xFF);
        for (; i < body.Length; i++)
            x ^= body[i];
        return x;
    }

    private static bool Rmc(ReadOnlySpan<byte> s, int count, ref NmeaFrame f, out RejectReason reason)
    {
        if (!Count(count, RmcMinFields, RmcMaxFields, out reason))
            return false;
        var c = new FieldCursor(s);
        f = f with { Sentence = NmeaSentence.Rmc };
        if (!Time(c.Next(), out var time, out reason))
            return false;
        var status = c.Next();
        if (status.Length != 1 || status[0] is not ((byte)'A' or (byte)'V'))
            return Fail(RejectReason.Malformed, out reason);
        if (!Angle(c.Next(), c.Next(), 2, (byte)'N', (byte)'S', out var lat, out reason))
            return false;
        if (!Angle(c.Next(), c.Next(), 3, (byte)'E', (byte)'W', out var lon, out reason))
            return false;
        if (!Speed(c.Next(), MaxSpeedKnots, out var knots, out reason))
            return false;
        if (!Course(c.Next(), out var course, out reason))
            return false;
        if (!Date(c.Next(), out var date, out reason))
            return false;
        if (!Course(c.Next(), out _, out reason))
            return false; // magnetic variation: read for validity only
        if (!Letter(c.Next(), (byte)'E', (byte)'W', out reason))
            return false;
        var mode = NmeaMode.NotGiven;
        if (count >= 12 && !Mode(c.Next(), out mode, out reason))
            return false;
        // NMEA 4.10 navigational status (u-blox: V, or S/C/U on some): any single letter or empty.
        if (count == 13 && c.Next() is { Length: > 1 })
            return Fail(RejectReason.Malformed, out reason);

        f = f with
        {
            UtcTimeS = time,
            Valid = status[0] == (byte)'A' && mode != NmeaMode.NotValid,
            LatitudeDeg = lat,
            LongitudeDeg = lon,
            SpeedKnots = knots,
            SpeedKmh = knots * NmeaFrame.KmhPerKnot,
            CourseTrueDeg = course,
            UtcDate = date,
            Mode = mode,
        };
        return true;
    }

    private static bool Vtg(ReadOnlySpan<byte> s, int count, ref NmeaFrame f, out RejectReason reason)
    {
        if (!Count(count, VtgMinFields, VtgMaxFields, out reason))
            return false;
        var c = new FieldCursor(s);
        f = f with { Sentence = NmeaSentence.Vtg };
        if (!Course(c.Next(), out var course, out reason) || !Letter(c.Next(), (byte)'T', 0, out reason))
            return false;
        if (!Course(c.Next(), out _, out reason) || !Letter(c.Next(), (byte)'M', 0, out reason))
            return false;
        if (!Speed(c.Next(), MaxSpeedKnots, out var knots, out reason) || !Letter(c.Next(), (byte)'N', 0, out reason))
            return false;
        if (!Speed(c.Next(), MaxSpeedKnots * NmeaFrame.KmhPerKnot, out var kmh, out reason) || !Letter(c.Next(), (byte)'K', 0, out reason))
            return false;
        var mode = NmeaMode.NotGiven;
        if (count == VtgMaxFields && !Mode(c.Next(), out mode, out reason))
            return false;
        if (double.IsNaN(knots))
            knots = kmh / NmeaFrame.KmhPerKnot;
        if (double.IsNaN(kmh))
            kmh = knots * NmeaFrame.KmhPerKnot;

        f = f with
        {
            CourseTrueDeg = course,
            SpeedKnots = knots,
            SpeedKmh = kmh,
            Mode = mode,
            Valid = mode == NmeaMode.NotGiven ? !double.IsNaN(kmh) : mode != NmeaMode.NotValid,
        };
        return true;
    }

    private static bool Gga(ReadOnlySpan<byte> s, int count, ref NmeaFrame f, out RejectReason reason)
    {
        if (!Count(count, GgaFields, GgaFields, out reason))
            return false;
        var c = new FieldCursor(s);
        f = f with { Sentence = NmeaSentence.Gga };
        if (!Time(c.Next(), out var time, out reason))
            return false;
        if (!Angle(c.Next(), c.Next(), 2, (byte)'N', (byte)'S', out var lat, out reason))
            return false;
        if (!Angle(c.Next(), c.Next(), 3, (byte)'E', (byte)'W', out var lon, out reason))
            return false;
        var qualityField = c.Next();
        if (qualityField.Length != 1 || !IsDigit(qualityField[0]))
            return Fail(RejectReason.Malformed, out reason);
        var quality = qualityField[0] - '0';
        if (quality > 8)
            return Fail(RejectReason.ImpossibleValue, out reason);
        var satellites = -1;
        var satField = c.Next();
        if (!satField.IsEmpty)
        {
            if (!Decimal(satField, out var sats, out var fraction, out reason) || fraction)
                return Fail(RejectReason.Malformed, out reason);
            if (sats is < 0 or > 99)
                return Fail(RejectReason.ImpossibleValue, out reason);
            satellites = (int)sats;
        }

        if (!Number(c.Next(), 0, 100, out var hdop, out reason))
            return false;
        if (!Number(c.Next(), -20_000, 100_000, out var altitude, out reason) || !Letter(c.Next(), (byte)'M', 0, out reason))
            return false;
        if (!Number(c.Next(), -20_000, 20_000, out _, out reason) || !Letter(c.Next(), (byte)'M', 0, out reason))
            return false;
        if (!Number(c.Next(), 0, 100_000, out _, out reason))
            return false; // age of differential corrections, s
        c.Next(); // differential station id: any printable text

        f = f with
        {
            UtcTimeS = time,
            LatitudeDeg = lat,
            LongitudeDeg = lon,
            FixQuality = quality,
            Satellites = satellites,
            Hdop = hdop,
            AltitudeM = altitude,
            Valid = quality != 0,
        };
        return true;
    }

    private static bool Count(int count, int min, int max, out RejectReason reason)
    {
        reason = count < min ? RejectReason.MissingField : RejectReason.Malformed;
        return count >= min && count <= max;
    }

    /// <summary>hhmmss[.s...]: NaN when empty.</summary>
    private static bool Time(ReadOnlySpan<byte> s, out double seconds, out RejectReason reason)
    {
        seconds = double.NaN;
        reason = default;
        if (s.IsEmpty)
            return true;
        var dot = s.IndexOf((byte)'.');
        var whole = dot < 0 ? s : s[..dot];
        if (whole.Length != 6 || s[0] == (byte)'-' || !Decimal(s, out var value, out _, out reason))
            return Fail(RejectReason.Malformed, out reason);
        var hms = (int)Math.Floor(value);
        int hh = hms / 10000,
            mm = hms / 100 % 100,
            ss = hms % 100;
        if (hh > 23 || mm > 59 || ss > 60)
            return Fail(RejectReason.ImpossibleValue, out reason);
        seconds = hh * 3600 + mm * 60 + (value - hms + ss);
        return true;
    }

    /// <summary>ddmmyy: default when empty.</summary>
    private static bool Date(ReadOnlySpan<byte> s, out DateOnly date, out RejectReason reason)
    {
        date = default;
        reason = default;
        if (s.IsEmpty)
            return true;
        if (s.Length != 6 || s.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
            return Fail(RejectReason.Malformed, out reason);
        int day = (s[0] - '0') * 10 + s[1] - '0',
            month = (s[2] - '0') * 10 + s[3] - '0',
            yy = (s[4] - '0') * 10 + s[5] - '0';
        var year = yy < 80 ? 2000 + yy : 1900 + yy;
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
            return Fail(RejectReason.ImpossibleValue, out reason);
        date = new DateOnly(year, month, day);
        return true;
    }

    /// <summary>(d)ddmm.mmmm and a hemisphere letter: NaN when both are empty, signed degrees otherwise.</summary>
    private static bool Angle(
        ReadOnlySpan<byte> s,
        ReadOnlySpan<byte> hemisphere,
        int degreeDigits,
        byte positive,
        byte negative,
        out double degrees,
        out RejectReason reason
    )
    {
        degrees = double.NaN;
        reason = default;
        if (s.IsEmpty && hemisphere.IsEmpty)
            return true;
        if (s.IsEmpty || hemisphere.Length != 1 || hemisphere[0] != positive && hemisphere[0] != negative || s[0] == (byte)'-')
            return Fail(RejectReason.Malformed, out reason);
        var dot = s.IndexOf((byte)'.');
        var wholeDigits = dot < 0 ? s.Length : dot;
        if (wholeDigits < 3 || wholeDigits > degreeDigits + 2 || !Decimal(s, out var value, out _, out reason))
            return Fail(RejectReason.Malformed, out reason);
        var wholeDegrees = Math.Floor(value / 100);
        var minutes = value - wholeDegrees * 100;
        var max = degreeDigits == 2 ? 90 : 180;
        if (minutes >= 60)
            return Fail(RejectReason.ImpossibleValue, out reason);
        degrees = wholeDegrees + minutes / 60;
        if (degrees > max)
            return Fail(RejectReason.ImpossibleValue, out reason);
        if (hemisphere[0] == negative)
            degrees = -degrees;
        return true;
    }

    private static bool Speed(ReadOnlySpan<byte> s, double max, out double value, out RejectReason reason) =>
        Number(s, 0, max, out value, out reason);

    private static bool Course(ReadOnlySpan<byte> s, out double value, out RejectReason reason) => Number(s, 0, 360, out value, out reason);

    /// <summary>A decimal number within [min, max]; NaN when empty.</summary>
    private static bool Number(ReadOnlySpan<byte> s, double min, double max, out double value, out RejectReason reason)
    {
        value = double.NaN;
        reason = default;
        if (s.IsEmpty)
            return true;
        if (!Decimal(s, out value, out _, out reason))
            return false;
        if (value < min || value > max)
        {
            value = double.NaN;
            return Fail(RejectReason.ImpossibleValue, out reason);
        }

        return true;
    }

    /// <summary>
    /// [-]digits[.digits], at most 18 digits: the integer of all digits divided by a power of ten, both exact, so the
    /// result is the double nearest the decimal text (IEEE division rounds correctly).
    /// </summary>
    private static bool Decimal(ReadOnlySpan<byte> s, out double value, out bool hasFraction, out RejectReason reason)
    {
        value = 0;
        hasFraction = false;
        reason = RejectReason.Malformed;
        var negative = !s.IsEmpty && s[0] == (byte)'-';
        if (negative)
            s = s[1..];
        long digits = 0;
        var count = 0;
        var scale = -1;
        foreach (var b in s)
        {
            if (b == (byte)'.')
            {
                if (scale >= 0)
                    return false;
                scale = 0;
                continue;
            }

            if (!IsDigit(b) || ++count > 18)
                return false;
            digits = digits * 10 + (b - '0');
            if (scale >= 0)
                scale++;
        }

        if (count == 0)
            return false;
        hasFraction = scale > 0;
        value = scale > 0 ? digits / Pow10[scale] : digits;
        if (negative)
            value = -value;
        reason = default;
        return true;
    }

    private static readonly double[] Pow10 =
    [
        1,
        1e1,
        1e2,
        1e3,
        1e4,
        1e5,
        1e6,
        1e7,
        1e8,
        1e9,
        1e10,
        1e11,
        1e12,
        1e13,
        1e14,
        1e15,
        1e16,
        1e17,
        1e18,
    ];

    /// <summary>A unit or hemisphere letter: empty, <paramref name="a"/>, or <paramref name="b"/> when non-zero.</summary>
    private static bool Letter(ReadOnlySpan<byte> s, byte a, byte b, out RejectReason reason)
    {
        reason = default;
        if (s.IsEmpty || s.Length == 1 && (s[0] == a || b != 0 && s[0] == b))
            return true;
        return Fail(RejectReason.Malformed, out reason);
    }

    private static bool Mode(ReadOnlySpan<byte> s, out NmeaMode mode, out RejectReason reason)
    {
        mode = NmeaMode.NotGiven;
        reason = default;
        if (s.IsEmpty)
            return true;
        if (s.Length == 1 && NmeaNames.TryMode(s[0], out mode))
            return true;
        return Fail(RejectReason.Malformed, out reason);
    }

    private static bool TryHex(byte b, out int value)
    {
        value = b switch
        {
            >= (byte)'0' and <= (byte)'9' => b - '0',
            >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
            >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
            _ => -1,
        };
        return value >= 0;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static bool IsUpper(byte b) => (uint)(b - 'A') <= 'Z' - 'A';

    private static bool Fail(RejectReason why, out RejectReason reason)
    {
        reason = why;
        return false;
    }

    private static NmeaParse Refuse(RejectReason why, out RejectReason reason)
    {
        reason = why;
        return NmeaParse.Reject;
    }

    /// <summary>Walks comma-separated fields; past the last field it returns empty fields.</summary>
    private ref struct FieldCursor(ReadOnlySpan<byte> fields)
    {
        private ReadOnlySpan<byte> _rest = fields;
        private bool _done;

        public ReadOnlySpan<byte> Next()
        {
            if (_done)
                return default;
            var comma = _rest.IndexOf((byte)',');
            if (comma < 0)
            {
                _done = true;
                return _rest;
            }

            var field = _rest[..comma];
            _rest = _rest[(comma + 1)..];
            return field;
        }
    }
}
