using System.Text;
using CsCheck;
using Kavach.Protocols.Tests.Support;

namespace Kavach.Protocols.Tests;

public sealed class Ops243Tests
{
    private static List<Ops243Frame> Decode(Ops243Decoder decoder, string text)
    {
        var frames = new List<Ops243Frame>();
        ReadOnlySpan<byte> input = Encoding.ASCII.GetBytes(text);
        while (decoder.TryRead(ref input, out var f))
            frames.Add(f);
        return frames;
    }

    [Theory]
    [InlineData("2.5\r\n", true, 2.5f)]
    [InlineData("2.5\r\n", false, -2.5f)]
    [InlineData("-2.5\n", true, -2.5f)]
    [InlineData("12.000, 2.5\r\n", false, -2.5f)]
    [InlineData("{\"speed\":2.5, \"direction\":\"inbound\"}\r\n", false, 2.5f)]
    [InlineData("{\"speed\":-2.5, \"direction\":\"inbound\"}\r\n", true, 2.5f)]
    [InlineData("{\"speed\":\"2.5\", \"direction\":\"outbound\"}\r\n", true, -2.5f)]
    [InlineData("{\"speed\":2.5}\r\n", false, -2.5f)]
    [InlineData("\"mps\",2.5\r\n", true, 2.5f)]
    [InlineData("\"kmph\",9.0\r\n", true, 2.5f)]
    public void Sign_convention_and_direction(string line, bool positiveIsApproaching, float closing)
    {
        var frames = Decode(new Ops243Decoder(new Ops243Options { PositiveIsApproaching = positiveIsApproaching }), line);
        var f = Assert.Single(frames);
        Assert.True(f.HasSpeed);
        Assert.Equal(closing, f.ClosingSpeedMps, 4);
    }

    [Theory]
    [InlineData("abc\n", RejectReason.Malformed)]
    [InlineData("1.0, 2.0, 3.0\n", RejectReason.Malformed)]
    [InlineData("Infinity\n", RejectReason.NotFinite)]
    [InlineData("{\"speed\":[1,2]}\n", RejectReason.WrongType)]
    [InlineData("{\"speed\":1.0, \"direction\":5}\n", RejectReason.WrongType)]
    [InlineData("{\"speed\":1.0\n", RejectReason.Malformed)]
    [InlineData("{\"time\":1.0}\n", RejectReason.MissingField)]
    [InlineData("{\"range\":-1.0}\n", RejectReason.ImpossibleValue)]
    [InlineData("\"parsec\",1.0\n", RejectReason.Malformed)]
    public void Bad_lines_are_rejected_once_with_their_terminator(string line, RejectReason reason)
    {
        var decoder = new Ops243Decoder();
        Assert.Empty(Decode(decoder, line));
        Assert.Equal(1, decoder.Counters.Rejects(reason));
        Assert.Equal(1, decoder.Counters.TotalRejects);
        Assert.Equal(line.Length, decoder.Counters.RejectedBytes);
    }

    [Fact]
    public void Round_trip_in_every_style_unit_and_sign()
    {
        Gen.Select(Gen.Float[-80f, 80f], Gen.Int[0, 2], Gen.Int[0, 4], Gen.Bool, Gen.Float[0f, 5000f])
            .Sample(
                (mps, style, unit, positive, time) =>
                {
                    var options = new Ops243Options { PositiveIsApproaching = positive, SpeedUnit = (Ops243SpeedUnit)unit };
                    var b = new byte[Ops243Encoder.MaxLineLength];
                    var n = Ops243Encoder.EncodeSpeed(b, mps, (Ops243LineStyle)style, options, time);
                    var decoder = new Ops243Decoder(options);
                    ReadOnlySpan<byte> input = b.AsSpan(0, n);
                    Assert.True(decoder.TryRead(ref input, out var f));
                    Assert.True(f.HasSpeed);
                    Assert.False(f.HasRange);
                    // Two decimals in the sensor's unit.
                    Assert.True(
                        Math.Abs(mps - f.ClosingSpeedMps) <= 0.006f * Ops243Options.MpsPer(options.SpeedUnit) + 1e-4f,
                        $"{mps} vs {f.ClosingSpeedMps}"
                    );
                    Assert.False(decoder.TryRead(ref input, out _)); // the LF after CR is a blank line
                    Assert.Equal(n, decoder.Counters.Bytes);
                    Assert.Equal(0, decoder.Counters.RejectedBytes);
                }
            );
    }

    [Fact]
    public void Range_round_trip()
    {
        Gen.Select(Gen.Float[0f, 60f], Gen.Int[0, 2], Gen.Int[0, 2])
            .Sample(
                (range, style, unit) =>
                {
                    var options = new Ops243Options { RangeUnit = (Ops243RangeUnit)unit, PlainValueIsRange = true };
                    var b = new byte[Ops243Encoder.MaxLineLength];
                    var n = Ops243Encoder.EncodeRange(b, range, (Ops243LineStyle)style, options);
                    ReadOnlySpan<byte> input = b.AsSpan(0, n);
                    Assert.True(new Ops243Decoder(options).TryRead(ref input, out var f));
                    Assert.True(f.HasRange);
                    Assert.True(Math.Abs(range - f.RangeM) <= 0.006f * Ops243Options.MetersPer(options.RangeUnit) + 1e-4f);
                }
            );
    }

    [Fact]
    public void Arbitrary_bytes_never_throw_and_splitting_does_not_matter()
    {
        var pieces = Gen.Frequency(
            (3, Gen.Byte.Array[0, 20]),
            (
                3,
                Gen.OneOf<byte[]>(
                    "1.5\r\n"u8.ToArray(),
                    "{\"speed\":2.0, \"direction\":\"inbound\"}\n"u8.ToArray(),
                    "3.0, -1.25\r\n"u8.ToArray(),
                    "\n"u8.ToArray()
                )
            ),
            (1, Gen.Const(new byte[300]))
        );
        Gen.Select(pieces.Array[0, 20].Select(p => p.SelectMany(x => x).ToArray()), Gen.Int[0, 100_000].Array[0, 20])
            .Sample(
                (stream, cuts) =>
                {
                    var whole = AnyDecoder.Create("ops243");
                    var expected = Feed.All(whole, stream).Select(f => f.Frame).ToList();
                    var split = AnyDecoder.Create("ops243");
                    var frames = Feed.Split(split, stream, cuts.Select(c => stream.Length == 0 ? 0 : c % stream.Length));
                    Assert.Equal(expected, frames);
                    Assert.Equal(stream.Length, whole.Counters.Bytes);
                    Assert.Equal(stream.Length, split.Counters.Bytes);
                    Assert.Equal(whole.Counters.RejectedBytes, split.Counters.RejectedBytes);
                    Assert.True(whole.Counters.RejectedBytes + whole.PendingBytes <= stream.Length);
                    Assert.InRange(whole.PendingBytes, 0, Ops243Decoder.MaxLineBytes);
                },
                iter: 300
            );
    }

    [Fact]
    public void Options_are_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Ops243Decoder(new Ops243Options { SpeedUnit = (Ops243SpeedUnit)9 }));
        Assert.Throws<ArgumentException>(() => Ops243Encoder.EncodeSpeed(new byte[3], 1f, Ops243LineStyle.Json, new Ops243Options()));
    }
}
