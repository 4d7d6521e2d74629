using System.Globalization;

namespace Kavach.Protocols;

/// <summary>
/// Writes NMEA 0183 RMC, VTG and GGA sentences (docs/protocols.md §8) for the simulator and the tests, in the shape a
/// u-blox receiver prints them: time hhmmss.ss, minutes with five decimals, speed with three, course and HDOP with
/// two, altitude with one; NaN and absent fields left empty; <c>*hh</c> and CR LF at the end. No allocation.
/// </summary>
public static class NmeaEncoder
{
    /// <summary>Longest sentence this encoder writes, CR LF included (within the standard's 82).</summary>
    public const int MaxSentenceLength = 82;

    /// <summary>Writes <paramref name="frame"/> as the sentence its <see cref="NmeaFrame.Sentence"/> names; returns the byte
    /// count.</summary>
    /// <exception cref="ArgumentException">A destination too short, or a value the sentence cannot carry (out of range).</exception>
    public static int Encode(Span<byte> dest, in NmeaFrame frame)
    {
        var w = new Writer(dest);
        w.Byte((byte)'$');
        w.Append(NmeaNames.Talker(frame.Talker));
        switch (frame.Sentence)
        {
            case NmeaSentence.Rmc:
                w.Append("RMC,"u8);
                Time(ref w, frame.UtcTimeS);
                w.Byte(frame.Valid ? (byte)'A' : (byte)'V');
                w.Byte((byte)',');
                Position(ref w, frame.LatitudeDeg, frame.LongitudeDeg);
                w.Number(frame.SpeedKnots, "F3", 0, NmeaParser.MaxSpeedKnots);
                w.Byte((byte)',');
                w.Number(frame.CourseTrueDeg, "F2", 0, 360);
                w.Byte((byte)',');
                if (frame.UtcDate != default)
                {
                    w.TwoDigits(frame.UtcDate.Day);
                    w.TwoDigits(frame.UtcDate.Month);
                    w.TwoDigits(frame.UtcDate.Year % 100);
                }

                w.Append(",,,"u8);
                Mode(ref w, frame.Mode);
                break;
            case NmeaSentence.Vtg:
                w.Append("VTG,"u8);
                w.Number(frame.CourseTrueDeg, "F2", 0, 360);
                w.Append(",T,,M,"u8);
                w.Number(frame.SpeedKnots, "F3", 0, NmeaParser.MaxSpeedKnots);
                w.Append(",N,"u8);
                w.Number(frame.SpeedKmh, "F3", 0, NmeaParser.MaxSpeedKnots * NmeaFrame.KmhPerKnot);
                w.Append(",K,"u8);
                Mode(ref w, frame.Mode);
                break;
            case NmeaSentence.Gga:
                w.Append("GGA,"u8);
                Time(ref w, frame.UtcTimeS);
                Position(ref w, frame.LatitudeDeg, frame.LongitudeDeg);
                if (frame.FixQuality is < 0 or > 8)
                    throw new ArgumentException("GGA fix quality must be 0-8", nameof(frame));
                w.Byte((byte)('0' + frame.FixQuality));
                w.Byte((byte)',');
                if (frame.Satellites >= 0)
                {
                    if (frame.Satellites > 99)
                        throw new ArgumentException("satellites must be 0-99", nameof(frame));
                    w.TwoDigits(frame.Satellites);
                }

                w.Byte((byte)',');
                w.Number(frame.Hdop, "F2", 0, 100);
                w.Byte((byte)',');
                w.Number(frame.AltitudeM, "F1", -20_000, 100_000);
                w.Append(",M,,M,,"u8);
                break;
            default:
                throw new ArgumentException($"unknown sentence {frame.Sentence}", nameof(frame));
        }

        // The checksum covers the bytes between '$' and '*'.
        var sum = NmeaParser.Checksum(dest[1..w.Length]);
        w.Byte((byte)'*');
        w.Byte(Hex(sum >> 4));
        w.Byte(Hex(sum & 0xF));
        w.Append("\r\n"u8);
        return w.Length;
    }

    private static void Time(ref Writer w, double seconds)
    {
        if (!double.IsNaN(seconds))
        {
            if (seconds is < 0 or >= 86_400)
                throw new ArgumentException("UTC time must be 0-86400 s", nameof(seconds));
            var centis = (long)Math.Round(seconds * 100);
            if (centis >= 8_640_000)
                centis = 8_639_999;
            var whole = (int)(centis / 100);
            w.TwoDigits(whole / 3600);
            w.TwoDigits(whole / 60 % 60);
            w.TwoDigits(whole % 60);
            w.Byte((byte)'.');
            w.TwoDigits((int)(centis % 100));
        }

        w.Byte((byte)',');
    }

    /// <summary>lat,N|S,lon,E|W, each pair empty when NaN; minutes rounded to five decimals.</summary>
    private static void Position(ref Writer w, double lat, double lon)
    {
        Angle(ref w, lat, 2, 90, (byte)'N', (byte)'S');
        Angle(ref w, lon, 3, 180, (byte)'E', (byte)'W');
    }

    private static void Angle(ref Writer w, double degrees, int degreeDigits, double max, byte positive, byte negative)
    {
        if (double.IsNaN(degrees))
        {
            w.Append(",,"u8);
            return;
        }

        if (Math.Abs(degrees) > max)
            throw new ArgumentException($"angle must be within ±{max}°", nameof(degrees));
        var units = (long)Math.Round(Math.Abs(degrees) * 60 * 100_000); // 1e-5 minute
        var whole = units / 6_000_000;
        var minuteUnits = units % 6_000_000;
        if (degreeDigits == 3)
            w.Byte((byte)('0' + whole / 100));
        w.TwoDigits((int)(whole % 100));
        w.TwoDigits((int)(minuteUnits / 100_000));
        w.Byte((byte)'.');
        var fraction = (int)(minuteUnits % 100_000);
        for (var div = 10_000; div > 0; div /= 10)
            w.Byte((byte)('0' + fraction / div % 10));
        w.Byte((byte)',');
        w.Byte(degrees < 0 && units > 0 ? negative : positive); // no "S" or "W" for a value that rounds to zero
        w.Byte((byte)',');
    }

    private static void Mode(ref Writer w, NmeaMode mode)
    {
        var letter = NmeaNames.ModeLetter(mode);
        if (letter != 0)
            w.Byte(letter);
    }

    private static byte Hex(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);

    private ref struct Writer(Span<byte> dest)
    {
        private readonly Span<byte> _dest = dest;

        public int Length { get; private set; }

        public void Byte(byte b)
        {
            if (Length >= _dest.Length)
                throw new ArgumentException("destination too short for the sentence", nameof(dest));
            _dest[Length++] = b;
        }

        public void Append(ReadOnlySpan<byte> text)
        {
            if (!text.TryCopyTo(_dest[Length..]))
                throw new ArgumentException("destination too short for the sentence", nameof(dest));
            Length += text.Length;
        }

        public void TwoDigits(int value)
        {
            Byte((byte)('0' + value / 10 % 10));
            Byte((byte)('0' + value % 10));
        }

        /// <summary>A number with the given format, nothing for NaN.</summary>
        public void Number(double value, string format, double min, double max)
        {
            if (double.IsNaN(value))
                return;
            if (value < min || value > max)
                throw new ArgumentException($"value {value} outside {min}-{max}", nameof(value));
            if (!value.TryFormat(_dest[Length..], out var written, format, CultureInfo.InvariantCulture))
                throw new ArgumentException("destination too short for the sentence", nameof(dest));
            Length += written;
        }
    }
}
