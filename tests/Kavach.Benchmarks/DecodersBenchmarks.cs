using BenchmarkDotNet.Attributes;
using Kavach.Protocols;

namespace Kavach.Benchmarks;

/// <summary>
/// Decode throughput of the wire-format decoders: each operation decodes a pre-built buffer of valid frames
/// (just under 1 MiB, whole frames only) in one call loop. MB/s = BufferBytes / mean time; see docs/benchmarks/decoders.md.
/// </summary>
[MemoryDiagnoser]
public class DecodersBenchmarks
{
    /// <summary>Target buffer size per operation.</summary>
    public const int BufferBytes = 1 << 20;

    private byte[] _tf = [];
    private byte[] _ld06 = [];
    private byte[] _mmwave = [];
    private byte[] _ops243 = [];
    private byte[] _nmea = [];
    private TfSeriesDecoder _tfDecoder = null!;
    private Ld06Decoder _ld06Decoder = null!;
    private TiMmwaveDecoder _mmwaveDecoder = null!;
    private Ops243Decoder _ops243Decoder = null!;
    private NmeaDecoder _nmeaDecoder = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _tf = Fill(
            (dest, i) => TfSeriesEncoder.Encode(dest, (ushort)random.Next(20, 1200), (ushort)random.Next(100, 3000), 35f),
            TfSeriesEncoder.FrameLength
        );

        var points = new Ld06Point[12];
        _ld06 = Fill(
            (dest, i) =>
            {
                for (var p = 0; p < points.Length; p++)
                    points[p] = new Ld06Point((ushort)random.Next(0, 12000), (byte)random.Next(0, 256), 0f);
                var start = (ushort)(i * 1043 % 36000);
                return Ld06Encoder.Encode(dest, 3600, start, (ushort)((start + 1043) % 36000), (ushort)i, points);
            },
            Ld06Encoder.FrameLength
        );

        // 7 points with side info, like the IWR6843 capture (which also carries a 512-byte range profile).
        var mmPoints = new MmwavePoint[7];
        var side = new MmwaveSideInfo[7];
        _mmwave = Fill(
            (dest, i) =>
            {
                for (var p = 0; p < mmPoints.Length; p++)
                {
                    mmPoints[p] = new MmwavePoint(
                        random.NextSingle() * 4f - 2f,
                        random.NextSingle() * 40f,
                        random.NextSingle() - 0.5f,
                        random.NextSingle() * 20f - 10f
                    );
                    side[p] = new MmwaveSideInfo((short)random.Next(50, 300), 40);
                }

                return TiMmwaveEncoder.Encode(dest, (uint)i, mmPoints, side);
            },
            TiMmwaveEncoder.MaxFrameLength(7)
        );

        var options = new Ops243Options();
        _ops243 = Fill(
            (dest, i) => Ops243Encoder.EncodeSpeed(dest, random.NextSingle() * 60f - 30f, (Ops243LineStyle)(i % 3), options, i * 0.01f),
            Ops243Encoder.MaxLineLength
        );

        // A multi-GNSS receiver at 10 Hz: RMC, VTG and GGA in turn, moving at up to 160 km/h.
        _nmea = Fill(
            (dest, i) =>
            {
                var sentence = (NmeaSentence)(i % 3);
                var frame = NmeaFrame.Empty(sentence, NmeaTalker.Combined) with
                {
                    Valid = true,
                    Mode = sentence == NmeaSentence.Gga ? NmeaMode.NotGiven : NmeaMode.Autonomous,
                    UtcTimeS = sentence == NmeaSentence.Vtg ? double.NaN : i * 0.1 % 86_400,
                    LatitudeDeg = sentence == NmeaSentence.Vtg ? double.NaN : 28.6 + random.NextDouble() * 0.01,
                    LongitudeDeg = sentence == NmeaSentence.Vtg ? double.NaN : 77.2 + random.NextDouble() * 0.01,
                    SpeedKnots = sentence == NmeaSentence.Gga ? double.NaN : random.NextDouble() * 86,
                    CourseTrueDeg = sentence == NmeaSentence.Gga ? double.NaN : random.NextDouble() * 360,
                    UtcDate = sentence == NmeaSentence.Rmc ? new DateOnly(2026, 12, 4) : default,
                    FixQuality = sentence == NmeaSentence.Gga ? 1 : -1,
                    Satellites = sentence == NmeaSentence.Gga ? 14 : -1,
                    Hdop = sentence == NmeaSentence.Gga ? 0.9 : double.NaN,
                    AltitudeM = sentence == NmeaSentence.Gga ? 216.4 : double.NaN,
                };
                if (sentence == NmeaSentence.Vtg)
                    frame = frame with { SpeedKmh = frame.SpeedKnots * NmeaFrame.KmhPerKnot };
                return NmeaEncoder.Encode(dest, frame);
            },
            NmeaEncoder.MaxSentenceLength
        );

        _tfDecoder = new TfSeriesDecoder(TfVariant.TfLuna);
        _ld06Decoder = new Ld06Decoder(350f, 10f, 20);
        _mmwaveDecoder = new TiMmwaveDecoder();
        _ops243Decoder = new Ops243Decoder(options);
        _nmeaDecoder = new NmeaDecoder();

        // Buffer sizes and frame counts, so the report can turn times into MB/s and frames/s.
        Console.WriteLine(
            $"// DecodersBenchmarks buffers: tf-series {_tf.Length} B/{TfSeries()} frames; ti-mmwave {_mmwave.Length} B/{TiMmwave()} frames; "
                + $"ld06 {_ld06.Length} B/{Ld06()} frames; ops243 {_ops243.Length} B/{Ops243()} frames; nmea {_nmea.Length} B/{Nmea()} sentences"
        );
    }

    [Benchmark]
    public int TfSeries()
    {
        ReadOnlySpan<byte> input = _tf;
        var frames = 0;
        while (_tfDecoder.TryRead(ref input, out _))
            frames++;
        return frames;
    }

    [Benchmark]
    public int TiMmwave()
    {
        ReadOnlySpan<byte> input = _mmwave;
        var frames = 0;
        while (_mmwaveDecoder.TryRead(ref input, out _))
            frames++;
        return frames;
    }

    [Benchmark]
    public int Ld06()
    {
        ReadOnlySpan<byte> input = _ld06;
        var frames = 0;
        while (_ld06Decoder.TryRead(ref input, out _))
            frames++;
        return frames;
    }

    [Benchmark]
    public int Ops243()
    {
        ReadOnlySpan<byte> input = _ops243;
        var frames = 0;
        while (_ops243Decoder.TryRead(ref input, out _))
            frames++;
        return frames;
    }

    [Benchmark]
    public int Nmea()
    {
        ReadOnlySpan<byte> input = _nmea;
        var frames = 0;
        while (_nmeaDecoder.TryRead(ref input, out _))
            frames++;
        return frames;
    }

    private delegate int Writer(Span<byte> dest, int index);

    private static byte[] Fill(Writer write, int maxFrame)
    {
        var buffer = new byte[BufferBytes];
        var length = 0;
        for (var i = 0; length + maxFrame <= buffer.Length; i++)
            length += write(buffer.AsSpan(length), i);
        return buffer[..length];
    }
}
