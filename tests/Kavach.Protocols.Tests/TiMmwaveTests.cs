using CsCheck;
using Kavach.Protocols.Tests.Support;

namespace Kavach.Protocols.Tests;

public sealed class TiMmwaveTests
{
    [Fact]
    public void Round_trip_keeps_points_side_info_and_the_nearest_target()
    {
        Gen.Select(Gen.UInt, BinaryKit.MmwavePointGen.Array[0, 40], Gen.Bool, Gen.Short.Array[40])
            .Sample(
                (number, points, withSide, snr) =>
                {
                    var side = withSide ? points.Select((_, i) => new MmwaveSideInfo(snr[i], (short)-snr[i])).ToArray() : [];
                    var b = new byte[TiMmwaveEncoder.MaxFrameLength(points.Length, withSide)];
                    var length = TiMmwaveEncoder.Encode(b, number, points, side);
                    Assert.Equal(b.Length, length);
                    Assert.Equal(0, length % 32);

                    var decoder = new TiMmwaveDecoder();
                    ReadOnlySpan<byte> input = b;
                    Assert.True(decoder.TryRead(ref input, out var f));
                    Assert.Equal(number, f.FrameNumber);
                    Assert.Equal(TiMmwaveEncoder.Version, f.Version);
                    Assert.Equal(TiMmwaveEncoder.Platform, f.Platform);
                    Assert.Equal(points.Length, f.TargetCount);
                    Assert.Equal(points, decoder.LastPoints.ToArray());
                    Assert.Equal(side, decoder.LastSideInfo.ToArray());
                    Assert.Equal(points.Length == 0, f.NoReturn);
                    if (points.Length == 0)
                        return;
                    var nearest = points.Select((p, i) => (p.RangeM, i)).Min().i;
                    Assert.Equal(points[nearest].RangeM, f.NearestRangeM);
                    Assert.Equal(-points[nearest].VelocityMps, f.ClosingSpeedMps);
                    if (withSide)
                        Assert.Equal(snr[nearest] / 10f, f.NearestSnrDb);
                    else
                        Assert.True(float.IsNaN(f.NearestSnrDb));
                }
            );
    }

    [Fact]
    public void Unknown_tlvs_are_skipped_by_length()
    {
        var points = new[] { new MmwavePoint(0f, 3f, 0f, 1f) };
        var b = new byte[256];
        var length = TiMmwaveEncoder.Encode(b, 9, points, []);
        // Append a type-9 TLV of 20 bytes after the points and fix numTLVs and totalPacketLen.
        var packet = b[..(40 + 8 + 16)].Concat(BitConverter.GetBytes(9u)).Concat(BitConverter.GetBytes(20u)).Concat(new byte[20]).ToList();
        while (packet.Count % 32 != 0)
            packet.Add(0);
        var bytes = packet.ToArray();
        BitConverter.TryWriteBytes(bytes.AsSpan(12), (uint)bytes.Length);
        BitConverter.TryWriteBytes(bytes.AsSpan(32), 2u);
        Assert.True(length > 0);

        var decoder = new TiMmwaveDecoder();
        ReadOnlySpan<byte> input = bytes;
        Assert.True(decoder.TryRead(ref input, out var f));
        Assert.Equal(3f, f.NearestRangeM);
        Assert.Equal(-1f, f.ClosingSpeedMps);
        Assert.Equal(0, decoder.Counters.RejectedBytes);
    }

    [Fact]
    public void Over_long_packets_are_rejected_as_bad_length()
    {
        var b = new byte[128];
        TiMmwaveEncoder.Encode(b, 1, [new MmwavePoint(1f, 1f, 1f, 1f)], []);
        BitConverter.TryWriteBytes(b.AsSpan(12), 1_000_000u);
        var decoder = new TiMmwaveDecoder();
        ReadOnlySpan<byte> input = b.AsSpan(0, TiMmwaveEncoder.MaxFrameLength(1, false));
        Assert.False(decoder.TryRead(ref input, out _));
        Assert.Equal(1, decoder.Counters.Rejects(RejectReason.BadLength));
    }

    [Fact]
    public void Non_finite_coordinates_are_impossible_values()
    {
        var b = new byte[128];
        var length = TiMmwaveEncoder.Encode(b, 1, [new MmwavePoint(float.NaN, 1f, 1f, 1f)], []);
        var decoder = new TiMmwaveDecoder();
        ReadOnlySpan<byte> input = b.AsSpan(0, length);
        Assert.False(decoder.TryRead(ref input, out _));
        Assert.Equal(1, decoder.Counters.Rejects(RejectReason.ImpossibleValue));
        Assert.Equal(length, decoder.Counters.RejectedBytes);
    }

    [Fact]
    public void Encoder_checks_its_arguments()
    {
        Assert.Throws<ArgumentException>(() => TiMmwaveEncoder.Encode(new byte[32], 1, [new MmwavePoint(1f, 1f, 1f, 1f)], []));
        Assert.Throws<ArgumentException>(() =>
            TiMmwaveEncoder.Encode(new byte[256], 1, [new MmwavePoint(1f, 1f, 1f, 1f)], new MmwaveSideInfo[2])
        );
        Assert.Equal(64, TiMmwaveEncoder.MaxFrameLength(0));
        Assert.Equal(96, TiMmwaveEncoder.MaxFrameLength(1)); // 40 + 24 + 12 = 76 → 96
    }
}
