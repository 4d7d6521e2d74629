using CsCheck;

namespace Kavach.Protocols.Tests;

public sealed class TfSeriesTests
{
    private static readonly byte[] SpecVector = Convert.FromHexString("59592C01100290098A");

    [Fact]
    public void Spec_vector_decodes_to_300_cm_strength_528_and_50_degrees()
    {
        var decoder = new TfSeriesDecoder(TfVariant.TfminiPlus);
        ReadOnlySpan<byte> input = SpecVector;
        Assert.True(decoder.TryRead(ref input, out var frame));
        Assert.Equal(
            new TfFrame
            {
                DistanceRaw = 300,
                Strength = 528,
                DistanceM = 3f,
                TemperatureC = 50f,
            },
            frame
        );
        Assert.True(input.IsEmpty);
        Assert.False(decoder.TryRead(ref input, out _));
    }

    [Fact]
    public void Encoder_writes_the_spec_vector()
    {
        var b = new byte[9];
        Assert.Equal(9, TfSeriesEncoder.Encode(b, 300, 528, 50f));
        Assert.Equal(SpecVector, b);
    }

    [Theory]
    [InlineData("tf-luna", TfVariant.TfLuna)]
    [InlineData("tfmini-s", TfVariant.TfminiS)]
    [InlineData("tfmini-plus", TfVariant.TfminiPlus)]
    [InlineData("tf02-pro", TfVariant.Tf02Pro)]
    [InlineData("tf03", TfVariant.Tf03)]
    [InlineData(" TF-Luna ", TfVariant.TfLuna)]
    public void Variant_names_parse(string name, TfVariant expected)
    {
        Assert.True(TfVariants.TryParse(name, out var v));
        Assert.Equal(expected, v);
        Assert.True(TfVariants.TryParse(TfVariants.Name(v), out var again));
        Assert.Equal(v, again);
    }

    [Theory]
    [InlineData("")]
    [InlineData("tfmini")]
    [InlineData("tf02")]
    public void Unknown_variant_names_do_not_parse(string name) => Assert.False(TfVariants.TryParse(name, out _));

    [Fact]
    public void Round_trip_keeps_distance_strength_and_temperature()
    {
        Gen.Select(Gen.UShort, Gen.UShort, Gen.Int[-40 * 8, 85 * 8])
            .Sample(
                (distance, strength, eighths) =>
                {
                    var temperature = eighths / 8f;
                    var b = new byte[9];
                    TfSeriesEncoder.Encode(b, distance, strength, temperature);
                    var decoder = new TfSeriesDecoder(TfVariant.TfminiS);
                    ReadOnlySpan<byte> input = b;
                    Assert.True(decoder.TryRead(ref input, out var f));
                    Assert.Equal(distance, f.DistanceRaw);
                    Assert.Equal(strength, f.Strength);
                    Assert.Equal(temperature, f.TemperatureC);
                    Assert.Equal(TfSeriesDecoder.IsNoReturn(TfVariant.TfminiS, distance, strength), f.NoReturn);
                    if (!f.NoReturn)
                        Assert.Equal(distance / 100f, f.DistanceM);
                    else
                        Assert.True(float.IsNaN(f.DistanceM));
                }
            );
    }

    [Fact]
    public void Tf03_temperature_is_reserved()
    {
        var b = new byte[9];
        TfSeriesEncoder.EncodeRaw(b, 5000, 500, 0x1234);
        ReadOnlySpan<byte> input = b;
        Assert.True(new TfSeriesDecoder(TfVariant.Tf03).TryRead(ref input, out var f));
        Assert.True(float.IsNaN(f.TemperatureC));
        Assert.Equal(50f, f.DistanceM);
    }

    [Fact]
    public void A_frame_hidden_after_a_false_sync_is_not_lost()
    {
        // 59 59 59 …: the first candidate is one byte early; its checksum fails and the real frame right behind is kept.
        var frame = new byte[9];
        TfSeriesEncoder.Encode(frame, 1234, 999, 30f);
        var stream = new byte[] { 0x59 }
            .Concat(frame)
            .ToArray();
        var decoder = new TfSeriesDecoder(TfVariant.TfLuna);
        ReadOnlySpan<byte> input = stream;
        Assert.True(decoder.TryRead(ref input, out var f));
        Assert.Equal(1234, f.DistanceRaw);
        Assert.Equal(1, decoder.Counters.RejectedBytes);
        Assert.Equal(1, decoder.Counters.Rejects(RejectReason.BadChecksum));
    }

    [Fact]
    public void Encoder_rejects_a_short_destination() =>
        Assert.Throws<ArgumentException>(() => TfSeriesEncoder.Encode(new byte[8], 1, 1, 1f));

    [Fact]
    public void Constructor_rejects_an_undefined_variant() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TfSeriesDecoder((TfVariant)42));

    /// <summary>The sentinel the simulator sends is the one the decoder recognises: a model that signals "no return"
    /// by its distance does so whatever the strength; TF-Luna (no distance sentinel) by its strength.</summary>
    [Theory]
    [InlineData(TfVariant.TfLuna, (ushort)50)]
    [InlineData(TfVariant.TfminiS, (ushort)5000)]
    [InlineData(TfVariant.TfminiPlus, (ushort)5000)]
    [InlineData(TfVariant.Tf02Pro, (ushort)30)]
    [InlineData(TfVariant.Tf03, (ushort)3000)]
    public void Each_models_no_return_distance_decodes_as_no_return(TfVariant variant, ushort strength)
    {
        var frame = new byte[TfSeriesDecoder.FrameLength];
        TfSeriesEncoder.Encode(frame, TfNoReturn.DistanceCm(variant), strength, 30);
        var d = new TfSeriesDecoder(variant);
        ReadOnlySpan<byte> data = frame;
        Assert.True(d.TryRead(ref data, out var f));
        Assert.True(f.NoReturn);
        Assert.True(float.IsNaN(f.DistanceM));
    }
}
