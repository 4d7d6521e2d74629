using Kavach.Protocols;

namespace Kavach.Simulation;

/// <summary>Writes a <see cref="SimSample"/> with the encoders of Kavach.Protocols (one definition per wire format).</summary>
internal static class FrameEncoder
{
    public static int Encode(SensorSpec spec, SensorVariant variant, in SimSample s, Span<byte> dest) =>
        SimFormats.Of(spec.Protocol).Encode(spec, variant, s, dest);

    /// <summary>Corrupts an encoded frame so a decoder rejects it: the checksum or CRC where the format has one.</summary>
    public static void Corrupt(SimProtocol protocol, Span<byte> frame)
    {
        if (!frame.IsEmpty)
            SimFormats.Of(protocol).Corrupt(frame);
    }

    internal static void CorruptLastByte(Span<byte> frame) => frame[^1] ^= 0xA5; // checksum / CRC-8 byte

    internal static void CorruptMmwave(Span<byte> frame)
    {
        if (frame.Length >= 16)
            frame[12] ^= 0x5A; // no checksum in the format: break totalPacketLen instead
        else
            CorruptText(frame);
    }

    // Text: the closing brace (JSON) or the first character becomes junk, so the line is malformed.
    internal static void CorruptText(Span<byte> frame)
    {
        var i = frame.LastIndexOf((byte)'}');
        frame[i >= 0 ? i : 0] = (byte)'#';
    }

    internal static int EncodeJson(SensorSpec spec, SensorVariant variant, in SimSample s, Span<byte> dest) =>
        spec.Kind switch
        {
            SensorKind.Lidar => JsonLineEncoder.WriteLidar(dest, s.HasReturn ? s.DistanceM : null, s.Confidence, s.Strength),
            SensorKind.Radar => JsonLineEncoder.WriteRadar(
                dest,
                s.HasTarget ? s.NearestRangeM : null,
                s.HasTarget ? s.NearestClosingSpeedMps : null,
                s.HasTarget ? s.NearestSnrDb : null,
                s.PointCount
            ),
            _ => variant == SensorVariant.CameraMetres
                ? JsonLineEncoder.WriteCameraMetres(dest, s.VisibilityM)
                : JsonLineEncoder.WriteCamera(dest, MathF.Round(s.VisibilityNormalised, 4)),
        };

    internal static int EncodeTf(SensorSpec spec, SensorVariant variant, in SimSample s, Span<byte> dest)
    {
        // without a return: the distance the model sends then (the decoder's own definition); the strength the
        // model simulates stays below its threshold too
        var distance = s.HasReturn
            ? (ushort)Math.Clamp(MathF.Round(s.DistanceM * 100), 0, TfNoReturn.Tf03MaxDistanceCm - 1)
            : TfNoReturn.DistanceCm(
                variant switch
                {
                    SensorVariant.TfLuna => TfVariant.TfLuna,
                    SensorVariant.TfminiS => TfVariant.TfminiS,
                    SensorVariant.TfminiPlus => TfVariant.TfminiPlus,
                    SensorVariant.Tf02Pro => TfVariant.Tf02Pro,
                    _ => TfVariant.Tf03, // Tf03 and Tf03Long
                }
            );
        var strength = (ushort)Math.Clamp(s.Strength, 0, 65_534);
        return TfSeriesEncoder.Encode(dest, distance, strength, (float)spec.TemperatureC);
    }

    internal static int EncodeLd06(SensorSpec spec, SensorVariant variant, in SimSample s, Span<byte> dest)
    {
        Span<Ld06Point> points = stackalloc Ld06Point[Ld06Decoder.PointsPerPacket];
        var src = s.Points;
        for (var i = 0; i < points.Length; i++)
        {
            var p = i < src.Length ? src[i] : default;
            points[i] = new Ld06Point(
                (ushort)Math.Clamp(MathF.Round(p.RangeM * 1000), 0, 65_535),
                (byte)Math.Clamp(p.Level, 0, 255),
                p.AzimuthDeg
            );
        }
        var start = (ushort)(MathF.Round(s.StartAngleDeg * 100) % 36000);
        var end = (ushort)(MathF.Round(s.EndAngleDeg * 100) % 36000);
        var timestamp = (ushort)((long)Math.Round(s.TimeS * 1000) % 30000); // the LD06 stamp wraps at 30000 ms
        return Ld06Encoder.Encode(dest, (ushort)s.SpeedDegPerS, start, end, timestamp, points);
    }

    internal static int EncodeMmwave(SensorSpec spec, SensorVariant variant, in SimSample s, Span<byte> dest)
    {
        var src = s.Points;
        Span<MmwavePoint> points = stackalloc MmwavePoint[SimSample.MaxPoints];
        Span<MmwaveSideInfo> side = stackalloc MmwaveSideInfo[SimSample.MaxPoints];
        for (var i = 0; i < src.Length; i++)
        {
            var p = src[i];
            var az = p.AzimuthDeg * MathF.PI / 180f;
            // y along boresight; TI velocity is positive moving away, so it is the negated closing speed.
            points[i] = new MmwavePoint(p.RangeM * MathF.Sin(az), p.RangeM * MathF.Cos(az), 0f, -p.ClosingSpeedMps);
            side[i] = new MmwaveSideInfo((short)Math.Clamp(MathF.Round(p.Level * 10), short.MinValue, short.MaxValue), NoiseTenthDb);
        }
        return TiMmwaveEncoder.Encode(dest, (uint)s.Sequence, points[..src.Length], side[..src.Length]);
    }

    // OPS243-C in JSON mode (OJ): a range line and a speed line per report; like the sensor, nothing without a target.
    internal static int EncodeOps243(SensorSpec spec, SensorVariant variant, in SimSample s, Span<byte> dest)
    {
        if (!s.HasTarget)
            return 0;
        var t = (float)s.TimeS;
        var n = Ops243Encoder.EncodeRange(dest, s.NearestRangeM, Ops243LineStyle.Json, Ops243Defaults, t);
        return n + Ops243Encoder.EncodeSpeed(dest[n..], s.NearestClosingSpeedMps, Ops243LineStyle.Json, Ops243Defaults, t);
    }

    private static readonly Ops243Options Ops243Defaults = new();

    // A GNSS fix as a u-blox receiver prints it: RMC, VTG, GGA. Without a fix: RMC status V, VTG mode N, GGA quality 0,
    // empty position, speed and course (time and date go on from the receiver's clock).
    internal static int EncodeNmea(SensorSpec spec, SensorVariant variant, in SimSample s, Span<byte> dest)
    {
        var fix = s.GnssFix;
        var timeOfDay = s.GnssUtc.TimeOfDay.TotalSeconds;
        var knots = s.GroundSpeedMps * 3.6 / NmeaFrame.KmhPerKnot;
        var mode = fix ? NmeaMode.Autonomous : NmeaMode.NotValid;
        var n = NmeaEncoder.Encode(
            dest,
            NmeaFrame.Empty(NmeaSentence.Rmc, spec.Talker) with
            {
                UtcTimeS = timeOfDay,
                UtcDate = DateOnly.FromDateTime(s.GnssUtc),
                Valid = fix,
                LatitudeDeg = s.LatitudeDeg,
                LongitudeDeg = s.LongitudeDeg,
                SpeedKnots = knots,
                CourseTrueDeg = s.CourseDeg,
                Mode = mode,
            }
        );
        n += NmeaEncoder.Encode(
            dest[n..],
            NmeaFrame.Empty(NmeaSentence.Vtg, spec.Talker) with
            {
                Valid = fix,
                CourseTrueDeg = s.CourseDeg,
                SpeedKnots = knots,
                SpeedKmh = s.GroundSpeedMps * 3.6,
                Mode = mode,
            }
        );
        return n
            + NmeaEncoder.Encode(
                dest[n..],
                NmeaFrame.Empty(NmeaSentence.Gga, spec.Talker) with
                {
                    UtcTimeS = timeOfDay,
                    LatitudeDeg = s.LatitudeDeg,
                    LongitudeDeg = s.LongitudeDeg,
                    FixQuality = fix ? 1 : 0,
                    Satellites = s.Satellites,
                    Hdop = s.Hdop,
                    AltitudeM = s.AltitudeM,
                }
            );
    }

    // NMEA: every sentence's checksum gets a wrong (but well-formed) first hex digit, so each is rejected as a bad checksum.
    internal static void CorruptNmea(Span<byte> frame)
    {
        for (var i = 0; i + 1 < frame.Length; i++)
        {
            if (frame[i] == (byte)'*')
                frame[i + 1] = frame[i + 1] == (byte)'0' ? (byte)'1' : (byte)'0';
        }
    }

    private const short NoiseTenthDb = 100; // a flat 10 dB noise floor in the side info
}
