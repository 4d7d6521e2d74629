namespace Kavach.Protocols;

/// <summary>The NMEA 0183 sentence types <see cref="NmeaDecoder"/> decodes (docs/protocols.md §8).</summary>
public enum NmeaSentence
{
    /// <summary>Recommended minimum data: time, status, position, speed (knots), course, date, mode.</summary>
    Rmc = 0,

    /// <summary>Course and speed over ground (knots and km/h), mode.</summary>
    Vtg = 1,

    /// <summary>Fix data: time, position, fix quality, satellites used, HDOP, altitude.</summary>
    Gga = 2,
}

/// <summary>Which satellite system a sentence speaks for (its two-letter talker id).</summary>
public enum NmeaTalker
{
    /// <summary>GP: GPS.</summary>
    Gps = 0,

    /// <summary>GN: several systems combined (what a multi-GNSS receiver such as a u-blox M8 or later sends).</summary>
    Combined = 1,

    /// <summary>GL: GLONASS.</summary>
    Glonass = 2,

    /// <summary>GA: Galileo.</summary>
    Galileo = 3,

    /// <summary>GB (NMEA 4.11) or BD (older receivers): BeiDou. The encoder writes GB.</summary>
    BeiDou = 4,

    /// <summary>GI: NavIC (IRNSS), India's regional system (NMEA 4.11).</summary>
    NavIC = 5,

    /// <summary>GQ: QZSS.</summary>
    Qzss = 6,
}

/// <summary>The positioning mode indicator of RMC and VTG (NMEA 2.3 and later; older receivers leave it out).</summary>
public enum NmeaMode
{
    /// <summary>The sentence had no mode field (NMEA before 2.3).</summary>
    NotGiven = 0,

    /// <summary>A: autonomous GNSS fix.</summary>
    Autonomous = 1,

    /// <summary>D: differential.</summary>
    Differential = 2,

    /// <summary>E: estimated (dead reckoning): not a measured speed.</summary>
    Estimated = 3,

    /// <summary>M: manual input.</summary>
    Manual = 4,

    /// <summary>S: simulator.</summary>
    Simulator = 5,

    /// <summary>N: data not valid.</summary>
    NotValid = 6,

    /// <summary>F: RTK float.</summary>
    RtkFloat = 7,

    /// <summary>R: RTK fixed.</summary>
    RtkFixed = 8,

    /// <summary>P: precise.</summary>
    Precise = 9,
}

/// <summary>
/// One decoded RMC, VTG or GGA sentence. Fields a sentence type does not carry, and empty fields (legal in NMEA:
/// a receiver without a fix sends them), are NaN (numbers), -1 (counts) or default (date). Whether a consumer may
/// trust the speed is its decision: <see cref="Valid"/>, <see cref="Mode"/> and <see cref="FixQuality"/> say what
/// the receiver claims.
/// </summary>
public readonly record struct NmeaFrame
{
    /// <summary>The sentence type.</summary>
    public NmeaSentence Sentence { get; init; }

    /// <summary>The talker.</summary>
    public NmeaTalker Talker { get; init; }

    /// <summary>
    /// What the receiver says about the sentence: RMC status A and a mode other than N; VTG a mode other than N (a
    /// VTG without a mode field: a speed is present); GGA a fix quality other than 0.
    /// </summary>
    public bool Valid { get; init; }

    /// <summary>RMC and VTG mode indicator; <see cref="NmeaMode.NotGiven"/> for GGA or when absent.</summary>
    public NmeaMode Mode { get; init; }

    /// <summary>UTC time of day, seconds since midnight (0 to just under 86 401, leap second allowed); NaN when absent (VTG, or
    /// empty).</summary>
    public double UtcTimeS { get; init; }

    /// <summary>UTC date (RMC); default when absent. Two-digit years are read as 1980–2079.</summary>
    public DateOnly UtcDate { get; init; }

    /// <summary>Latitude, degrees, north positive; NaN when absent.</summary>
    public double LatitudeDeg { get; init; }

    /// <summary>Longitude, degrees, east positive; NaN when absent.</summary>
    public double LongitudeDeg { get; init; }

    /// <summary>Speed over ground, knots; NaN when absent. From RMC, or VTG's knots field (or its km/h field converted).</summary>
    public double SpeedKnots { get; init; }

    /// <summary>Speed over ground, km/h; NaN when absent. VTG's km/h field, or the knots converted (1 kn = 1.852 km/h).</summary>
    public double SpeedKmh { get; init; }

    /// <summary>Course over ground, degrees true (0–360); NaN when absent (receivers leave it empty when standing still).</summary>
    public double CourseTrueDeg { get; init; }

    /// <summary>GGA fix quality: 0 none, 1 GPS, 2 DGPS, 3 PPS, 4 RTK fixed, 5 RTK float, 6 estimated (dead reckoning),
    /// 7 manual, 8 simulation; -1 for RMC and VTG.</summary>
    public int FixQuality { get; init; }

    /// <summary>GGA satellites used (0–99); -1 when absent.</summary>
    public int Satellites { get; init; }

    /// <summary>GGA horizontal dilution of precision; NaN when absent. u-blox sends 99.99 without a fix.</summary>
    public double Hdop { get; init; }

    /// <summary>GGA altitude above mean sea level, metres; NaN when absent.</summary>
    public double AltitudeM { get; init; }

    /// <summary>Speed over ground in m/s (NaN when absent): km/h ÷ 3.6.</summary>
    public double SpeedMps => SpeedKmh / 3.6;

    /// <summary>Kilometres per hour in one knot (the international nautical mile is 1852 m).</summary>
    public const double KmhPerKnot = 1.852;

    /// <summary>A frame with every optional field absent, for <paramref name="sentence"/> from <paramref name="talker"/>.</summary>
    public static NmeaFrame Empty(NmeaSentence sentence, NmeaTalker talker) =>
        new()
        {
            Sentence = sentence,
            Talker = talker,
            UtcTimeS = double.NaN,
            LatitudeDeg = double.NaN,
            LongitudeDeg = double.NaN,
            SpeedKnots = double.NaN,
            SpeedKmh = double.NaN,
            CourseTrueDeg = double.NaN,
            FixQuality = -1,
            Satellites = -1,
            Hdop = double.NaN,
            AltitudeM = double.NaN,
        };
}

/// <summary>Talker ids and mode letters as they appear on the wire.</summary>
public static class NmeaNames
{
    /// <summary>The two letters the encoder writes for <paramref name="talker"/>.</summary>
    public static ReadOnlySpan<byte> Talker(NmeaTalker talker) =>
        talker switch
        {
            NmeaTalker.Combined => "GN"u8,
            NmeaTalker.Glonass => "GL"u8,
            NmeaTalker.Galileo => "GA"u8,
            NmeaTalker.BeiDou => "GB"u8,
            NmeaTalker.NavIC => "GI"u8,
            NmeaTalker.Qzss => "GQ"u8,
            _ => "GP"u8,
        };

    /// <summary>The talker named by two letters; false for any other (GP, GN, GL, GA, GB, BD, GI, GQ are known).</summary>
    public static bool TryTalker(byte a, byte b, out NmeaTalker talker)
    {
        talker = (a, b) switch
        {
            ((byte)'G', (byte)'P') => NmeaTalker.Gps,
            ((byte)'G', (byte)'N') => NmeaTalker.Combined,
            ((byte)'G', (byte)'L') => NmeaTalker.Glonass,
            ((byte)'G', (byte)'A') => NmeaTalker.Galileo,
            ((byte)'G', (byte)'B') or ((byte)'B', (byte)'D') => NmeaTalker.BeiDou,
            ((byte)'G', (byte)'I') => NmeaTalker.NavIC,
            ((byte)'G', (byte)'Q') => NmeaTalker.Qzss,
            _ => (NmeaTalker)(-1),
        };
        return talker >= 0;
    }

    /// <summary>The mode letter for <paramref name="mode"/> (0 for <see cref="NmeaMode.NotGiven"/>).</summary>
    public static byte ModeLetter(NmeaMode mode) =>
        mode switch
        {
            NmeaMode.Autonomous => (byte)'A',
            NmeaMode.Differential => (byte)'D',
            NmeaMode.Estimated => (byte)'E',
            NmeaMode.Manual => (byte)'M',
            NmeaMode.Simulator => (byte)'S',
            NmeaMode.NotValid => (byte)'N',
            NmeaMode.RtkFloat => (byte)'F',
            NmeaMode.RtkFixed => (byte)'R',
            NmeaMode.Precise => (byte)'P',
            _ => 0,
        };

    /// <summary>The mode a letter names; false for an unknown letter.</summary>
    public static bool TryMode(byte letter, out NmeaMode mode)
    {
        mode = letter switch
        {
            (byte)'A' => NmeaMode.Autonomous,
            (byte)'D' => NmeaMode.Differential,
            (byte)'E' => NmeaMode.Estimated,
            (byte)'M' => NmeaMode.Manual,
            (byte)'S' => NmeaMode.Simulator,
            (byte)'N' => NmeaMode.NotValid,
            (byte)'F' => NmeaMode.RtkFloat,
            (byte)'R' => NmeaMode.RtkFixed,
            (byte)'P' => NmeaMode.Precise,
            _ => NmeaMode.NotGiven,
        };
        return mode != NmeaMode.NotGiven;
    }
}
