using CsCheck;

namespace Kavach.Protocols.Tests;

public sealed class Ld06Tests
{
    [Fact]
    public void Crc_table_matches_the_spec()
    {
        Assert.Equal(0xA8, Ld06Crc.TableEntry(255));
        Assert.Equal(0x00, Ld06Crc.TableEntry(0));
        Assert.Equal(0x4D, Ld06Crc.TableEntry(1));
    }

    [Fact]
    public void Spec_vector_has_crc_0x06()
    {
        // docs/protocols.md §3: 54 2C 10 0E 10 27, 12 × (1000 + i, 0xC8), 04 29 D2 04 → CRC 0x06.
        var points = Enumerable.Range(0, 12).Select(i => new Ld06Point((ushort)(1000 + i), 0xC8, 0f)).ToArray();
        var b = new byte[47];
        Assert.Equal(47, Ld06Encoder.Encode(b, 0x0E10, 0x2710, 0x2904, 0x04D2, points));
        Assert.Equal(Convert.FromHexString("542C100E1027"), b[..6]);
        Assert.Equal(Convert.FromHexString("0429D204"), b[42..46]);
        Assert.Equal(0x06, b[46]);
        Assert.Equal(0x06, Ld06Crc.Compute(b.AsSpan(0, 46)));
    }

    [Fact]
    public void Round_trip_keeps_points_and_angles()
    {
        Gen.Select(
                Gen.UShort,
                Gen.UShort[0, 35999],
                Gen.UShort[0, 35999],
                Gen.UShort,
                Gen.Select(Gen.UShort, Gen.Byte, (d, i) => new Ld06Point(d, i, 0f)).Array[12]
            )
            .Sample(
                (speed, start, end, ts, points) =>
                {
                    var b = new byte[47];
                    Ld06Encoder.Encode(b, speed, start, end, ts, points);
                    var decoder = new Ld06Decoder();
                    ReadOnlySpan<byte> input = b;
                    Assert.True(decoder.TryRead(ref input, out var f));
                    Assert.Equal(speed, f.SpeedDegPerS);
                    Assert.Equal(ts, f.TimestampMs);
                    Assert.Equal(start / 100f, f.StartAngleDeg, 3);
                    Assert.Equal(end / 100f, f.EndAngleDeg, 3);
                    Assert.True(f.HasCorridorPoints); // default corridor = full circle
                    var decoded = decoder.LastPoints.ToArray();
                    Assert.Equal(points.Select(p => (p.DistanceMm, p.Intensity)), decoded.Select(p => (p.DistanceMm, p.Intensity)));
                    Assert.All(decoded, p => Assert.InRange(p.AngleDeg, 0f, 360f));
                    var valid = points.Where(p => p.DistanceMm > 0).ToList();
                    Assert.Equal(valid.Count == 0, f.NoReturn);
                    if (valid.Count > 0)
                        Assert.Equal(valid.Min(p => p.DistanceMm) / 1000f, f.NearestRangeM);
                }
            );
    }

    [Theory]
    [InlineData(350f, 10f, 355f, true)]
    [InlineData(350f, 10f, 5f, true)]
    [InlineData(350f, 10f, 10f, true)]
    [InlineData(350f, 10f, 20f, false)]
    [InlineData(350f, 10f, 180f, false)]
    [InlineData(10f, 20f, 15f, true)]
    [InlineData(10f, 20f, 355f, false)]
    [InlineData(0f, 0f, 123f, true)]
    [InlineData(0f, 360f, 359.9f, true)]
    public void Corridor_may_wrap_through_zero(float start, float end, float angle, bool inside) =>
        Assert.Equal(inside, new Ld06Decoder(start, end).InCorridor(angle));

    [Fact]
    public void Impossible_angles_are_rejected()
    {
        var b = new byte[47];
        Ld06Encoder.Encode(b, 2000, 36000, 100, 1, new Ld06Point[12]);
        var decoder = new Ld06Decoder();
        ReadOnlySpan<byte> input = b;
        Assert.False(decoder.TryRead(ref input, out _));
        Assert.Equal(1, decoder.Counters.Rejects(RejectReason.ImpossibleValue));
        Assert.Equal(47, decoder.Counters.RejectedBytes);
    }

    [Fact]
    public void Constructor_rejects_bad_corridors()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Ld06Decoder(float.NaN, 10f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Ld06Decoder(0f, 361f));
        Assert.Throws<ArgumentException>(() => Ld06Encoder.Encode(new byte[47], 0, 0, 0, 0, new Ld06Point[11]));
    }
}
