using CsCheck;

namespace Kavach.Protocols.Tests.Support;

/// <summary>What the property tests need to know about one binary format.</summary>
internal sealed record BinaryKit(
    string Format,
    Func<IAnyDecoder> Create,
    Gen<byte[]> ValidFrame,
    byte SyncFirst,
    ReadOnlyMemory<byte> Sync,
    int MaxPending,
    Func<object, int> FrameLength,
    Func<object, IAnyDecoder, byte[]?> Reencode
)
{
    public override string ToString() => Format;

    public static readonly BinaryKit Tf = new(
        "tf-series",
        () => AnyDecoder.Create("tf-series"),
        Gen.Select(Gen.UShort, Gen.UShort, Gen.UShort)
            .Select(
                (d, s, t) =>
                {
                    var b = new byte[TfSeriesEncoder.FrameLength];
                    TfSeriesEncoder.EncodeRaw(b, d, s, t);
                    return b;
                }
            ),
        TfSeriesDecoder.SyncByte,
        new byte[] { 0x59, 0x59 },
        TfSeriesDecoder.FrameLength - 1,
        _ => TfSeriesDecoder.FrameLength,
        (frame, _) =>
        {
            var f = (TfFrame)frame;
            var b = new byte[TfSeriesEncoder.FrameLength];
            TfSeriesEncoder.Encode(b, f.DistanceRaw, f.Strength, f.TemperatureC);
            return b;
        }
    );

    public static readonly BinaryKit Ld06 = new(
        "ld06",
        () => AnyDecoder.Create("ld06"),
        Gen.Select(
                Gen.UShort,
                Gen.UShort[0, 35999],
                Gen.UShort[0, 35999],
                Gen.UShort,
                Gen.Select(Gen.UShort, Gen.Byte, (d, i) => new Ld06Point(d, i, 0f)).Array[12]
            )
            .Select(
                (speed, start, end, ts, points) =>
                {
                    var b = new byte[Ld06Encoder.FrameLength];
                    Ld06Encoder.Encode(b, speed, start, end, ts, points);
                    return b;
                }
            ),
        Ld06Decoder.Header,
        new byte[] { Ld06Decoder.Header, Ld06Decoder.VerLen },
        Ld06Decoder.FrameLength - 1,
        _ => Ld06Decoder.FrameLength,
        (frame, decoder) =>
        {
            var f = (Ld06Frame)frame;
            var b = new byte[Ld06Encoder.FrameLength];
            Ld06Encoder.Encode(
                b,
                (ushort)f.SpeedDegPerS,
                (ushort)Math.Round(f.StartAngleDeg * 100.0),
                (ushort)Math.Round(f.EndAngleDeg * 100.0),
                f.TimestampMs,
                decoder.LastPoints().Cast<Ld06Point>().ToArray()
            );
            return b;
        }
    );

    public static readonly Gen<MmwavePoint> MmwavePointGen = Gen.Select(
            Gen.Float[-20f, 20f],
            Gen.Float[0f, 60f],
            Gen.Float[-5f, 5f],
            Gen.Float[-30f, 30f]
        )
        .Select((x, y, z, v) => new MmwavePoint(x, y, z, v));

    public static readonly BinaryKit TiMmwave = new(
        "ti-mmwave",
        () => AnyDecoder.Create("ti-mmwave"),
        Gen.Select(Gen.UInt, MmwavePointGen.Array[0, 12], Gen.Bool, Gen.Short, Gen.Short)
            .Select(
                (n, points, side, snr, noise) =>
                {
                    var sideInfo = side ? points.Select((_, i) => new MmwaveSideInfo((short)(snr + i), noise)).ToArray() : [];
                    var b = new byte[TiMmwaveEncoder.MaxFrameLength(points.Length, side)];
                    TiMmwaveEncoder.Encode(b, n, points, sideInfo);
                    return b;
                }
            ),
        0x02,
        TiMmwaveDecoder.MagicWord.ToArray(),
        TiMmwaveDecoder.DefaultMaxPacketBytes - 1,
        frame => ((MmwaveFrame)frame).PacketLength,
        (_, _) => null
    );

    public static readonly BinaryKit[] All = [Tf, Ld06, TiMmwave];

    public static TheoryData<string> Names() => new(All.Select(k => k.Format));

    public static BinaryKit Named(string format) => All.Single(k => k.Format == format);

    /// <summary>Garbage bytes that never contain the first sync byte, so no frame can start inside them.</summary>
    public Gen<byte[]> CleanGarbage => Gen.Byte.Where(b => b != SyncFirst).Array[0, 40];

    /// <summary>A stream piece: random bytes, a bare sync word, a valid frame, a corrupted one or a cut one.</summary>
    public Gen<byte[]> Piece =>
        Gen.Frequency(
            (3, Gen.Byte.Array[0, 30]),
            (1, Gen.Const(Sync.ToArray())),
            (3, ValidFrame),
            (
                2,
                Gen.Select(ValidFrame, Gen.Int, Gen.Byte[1, 255])
                    .Select(
                        (f, i, x) =>
                        {
                            var c = (byte[])f.Clone();
                            c[(int)((uint)i % (uint)c.Length)] ^= x;
                            return c;
                        }
                    )
            ),
            (1, Gen.Select(ValidFrame, Gen.Int).Select((f, i) => f[..(int)((uint)i % (uint)f.Length)]))
        );

    public Gen<byte[]> Stream => Piece.Array[0, 25].Select(pieces => pieces.SelectMany(p => p).ToArray());
}
