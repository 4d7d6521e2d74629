using System.Text;
using CsCheck;

namespace Kavach.Protocols.Tests;

/// <summary>
/// NMEA 0183 decoder and encoder (docs/protocols.md §8). Documented receiver output is also walked as case folders
/// (Cases/nmea, written by Cases/make_nmea_cases.py); these tests cover the fields, every reject reason, round
/// trips, resynchronisation and a 10⁷-byte fuzz run.
/// </summary>
public sealed class NmeaTests
{
    private static List<NmeaFrame> Decode(NmeaDecoder decoder, string text)
    {
        var frames = new List<NmeaFrame>();
        ReadOnlySpan<byte> input = Encoding.Latin1.GetBytes(text);
        while (decoder.TryRead(ref input, out var f))
            frames.Add(f);
        return frames;
    }

    private static string WithChecksum(string body)
    {
        var sum = 0;
        foreach (var c in body)
            sum ^= c;
        return $"${body}*{sum:X2}\r\n";
    }

    [Fact]
    public void Ublox_documented_rmc_gga_vtg_decode_to_their_fields()
    {
        // u-blox M8 receiver description (UBX-13003221), NMEA chapter examples.
        var d = new NmeaDecoder();
        var frames = Decode(
            d,
            "$GPRMC,083559.00,A,4717.11437,N,00833.91522,E,0.004,77.52,091202,,,A*57\r\n"
                + "$GPGGA,092725.00,4717.11399,N,00833.91590,E,1,08,1.01,499.6,M,48.0,M,,*5B\r\n"
                + "$GPVTG,77.52,T,,M,0.004,N,0.008,K,A*06\r\n"
        );
        Assert.Equal(3, frames.Count);

        var rmc = frames[0];
        Assert.Equal(NmeaSentence.Rmc, rmc.Sentence);
        Assert.Equal(NmeaTalker.Gps, rmc.Talker);
        Assert.True(rmc.Valid);
        Assert.Equal(NmeaMode.Autonomous, rmc.Mode);
        Assert.Equal(8 * 3600 + 35 * 60 + 59, rmc.UtcTimeS, 9);
        Assert.Equal(new DateOnly(2002, 12, 9), rmc.UtcDate);
        Assert.Equal(47 + 17.11437 / 60, rmc.LatitudeDeg, 9);
        Assert.Equal(8 + 33.91522 / 60, rmc.LongitudeDeg, 9);
        Assert.Equal(0.004, rmc.SpeedKnots, 12);
        Assert.Equal(0.004 * 1.852, rmc.SpeedKmh, 12);
        Assert.Equal(77.52, rmc.CourseTrueDeg, 12);
        Assert.Equal(-1, rmc.FixQuality);

        var gga = frames[1];
        Assert.Equal(NmeaSentence.Gga, gga.Sentence);
        Assert.Equal(1, gga.FixQuality);
        Assert.Equal(8, gga.Satellites);
        Assert.Equal(1.01, gga.Hdop, 12);
        Assert.Equal(499.6, gga.AltitudeM, 12);
        Assert.True(double.IsNaN(gga.SpeedKnots));

        var vtg = frames[2];
        Assert.Equal(NmeaSentence.Vtg, vtg.Sentence);
        Assert.Equal(0.008, vtg.SpeedKmh, 12);
        Assert.Equal(0.008 / 3.6, vtg.SpeedMps, 12);
        Assert.True(double.IsNaN(vtg.LatitudeDeg));
        Assert.Equal(0, d.Counters.TotalRejects);
    }

    [Fact]
    public void Reference_examples_south_west_and_nmea_2_0_without_mode()
    {
        var frames = Decode(
            new NmeaDecoder(),
            "$GPRMC,001207.00,A,4911.2236,N,12254.4779,W,012.3,201.0,170109,,*2D\r\n"
                + "$GPVTG,054.7,T,034.4,M,005.5,N,010.2,K*48\r\n"
                + "$GNRMC,154706.00,A,4724.5288205,N,00937.0842621,E,0.01,144.09,141114,0.00,E,A*10\r\n"
        );
        Assert.Equal(-(122 + 54.4779 / 60), frames[0].LongitudeDeg, 9);
        Assert.Equal(NmeaMode.NotGiven, frames[0].Mode);
        Assert.True(frames[0].Valid);
        Assert.Equal(new DateOnly(2009, 1, 17), frames[0].UtcDate);
        Assert.True(frames[1].Valid);
        Assert.Equal(10.2, frames[1].SpeedKmh, 12);
        Assert.Equal(NmeaTalker.Combined, frames[2].Talker);
        Assert.Equal(9 + 37.0842621 / 60, frames[2].LongitudeDeg, 10);
    }

    [Theory]
    [InlineData("GP", NmeaTalker.Gps)]
    [InlineData("GN", NmeaTalker.Combined)]
    [InlineData("GL", NmeaTalker.Glonass)]
    [InlineData("GA", NmeaTalker.Galileo)]
    [InlineData("BD", NmeaTalker.BeiDou)]
    [InlineData("GB", NmeaTalker.BeiDou)]
    [InlineData("GI", NmeaTalker.NavIC)]
    [InlineData("GQ", NmeaTalker.Qzss)]
    public void Talker_ids(string talker, NmeaTalker expected)
    {
        var f = Assert.Single(Decode(new NmeaDecoder(), WithChecksum(talker + "VTG,12.0,T,,M,10.0,N,18.52,K,D")));
        Assert.Equal(expected, f.Talker);
        Assert.Equal(NmeaMode.Differential, f.Mode);
    }

    [Fact]
    public void No_fix_sentences_are_frames_marked_not_valid()
    {
        var frames = Decode(
            new NmeaDecoder(),
            WithChecksum("GNRMC,235947.00,V,,,,,,,,,,N,V")
                + WithChecksum("GNGGA,235947.00,,,,,0,00,99.99,,,,,,")
                + WithChecksum("GNVTG,,,,,,,,,N")
        );
        Assert.Equal(3, frames.Count);
        Assert.All(frames, f => Assert.False(f.Valid));
        Assert.All(frames, f => Assert.True(double.IsNaN(f.SpeedKmh)));
        Assert.Equal(0, frames[1].Satellites);
        Assert.Equal(23 * 3600 + 59 * 60 + 47, frames[0].UtcTimeS, 9);
    }

    [Theory]
    [InlineData("GPRMC,083559.00,A,4717.11437,N,00833.91522,E,0.004,77.52,091202,,,E", false, true)] // dead reckoning: valid, mode says so
    [InlineData("GPRMC,083559.00,A,4717.11437,N,00833.91522,E,0.004,77.52,091202,,,N", false, false)]
    [InlineData("GPGGA,092725.00,4717.11399,N,00833.91590,E,6,08,1.01,499.6,M,48.0,M,,", true, true)]
    public void Validity_follows_status_mode_and_quality(string body, bool gga, bool valid)
    {
        var f = Assert.Single(Decode(new NmeaDecoder(), WithChecksum(body)));
        Assert.Equal(valid, f.Valid);
        if (gga)
            Assert.Equal(6, f.FixQuality);
    }

    [Fact]
    public void Ignored_sentences_are_counted_not_rejected()
    {
        var d = new NmeaDecoder();
        var text =
            "$GPGSV,3,1,10,23,38,230,44,29,71,156,47,07,29,116,41,08,09,081,36*7F\r\n"
            + "$GPTXT,01,01,02,u-blox ag - www.u-blox.com*50\r\n"
            + WithChecksum("PUBX,00,081350.00,4717.113210,N");
        Assert.Empty(Decode(d, text));
        Assert.Equal(3, d.IgnoredSentences);
        Assert.Equal(0, d.Counters.TotalRejects);
        Assert.Equal(text.Length, d.AcceptedBytes);
    }

    public static TheoryData<string, RejectReason> BadSentences() =>
        new()
        {
            { "noise before a sentence\r\n", RejectReason.BadHeader },
            { "$GPVTG,77.52,T,,M,0.004,N,0.008,K,A*07\r\n", RejectReason.BadChecksum },
            { "$GPVTG,77.52,T,,M,0.004,N,0.008,K,A\r\n", RejectReason.BadChecksum },
            { "$GPVTG,77.52,T,,M,0.004,N,0.008,K,A*G6\r\n", RejectReason.BadChecksum },
            { "$GPVTG,77.52,T,,M,0.00", RejectReason.BadLength }, // cut short by the '$' the test appends
            { "$GPGGA," + new string('1', 200) + "\r\n", RejectReason.TooLong },
            { WithChecksum("GPRMC,083559.00,X,4717.11437,N,00833.91522,E,0.004,77.52,091202,,,A"), RejectReason.Malformed },
            { WithChecksum("GPRMC,083559.00,A,4717.11437,Q,00833.91522,E,0.004,77.52,091202,,,A"), RejectReason.Malformed },
            { WithChecksum("GPRMC,083559.00,A,4717.11437,N,00833.91522,E,0.0.4,77.52,091202,,,A"), RejectReason.Malformed },
            { WithChecksum("GPRMC,083559.00,A,4717.11437,N,00833.91522,E,0.004,77.52,091202,,,A,V,extra"), RejectReason.Malformed },
            { WithChecksum("GPVTG,77.52,T,,M,0.004,N,0.008,K,Z"), RejectReason.Malformed },
            { WithChecksum("GPVTG,77.52,X,,M,0.004,N,0.008,K,A"), RejectReason.Malformed },
            { WithChecksum("GPVTG,77.52,T,,M,\u00e9,N,0.008,K,A"), RejectReason.Malformed },
            { WithChecksum("G1VTG,77.52,T,,M,0.004,N,0.008,K,A"), RejectReason.Malformed },
            { WithChecksum("GPRMC,8355.00,A,4717.11437,N,00833.91522,E,0.004,77.52,091202,,,A"), RejectReason.Malformed },
            { WithChecksum("GPRMC,083559.00,A,4717.11437,N"), RejectReason.MissingField },
            { WithChecksum("GPGGA,092725.00,4717.11399,N,00833.91590,E,1,08,1.01,499.6,M,48.0,M"), RejectReason.MissingField },
            { WithChecksum("GPVTG,77.52,T,,M,0.004,N"), RejectReason.MissingField },
            { WithChecksum("GPRMC,253559.00,A,4717.11437,N,00833.91522,E,0.004,77.52,091202,,,A"), RejectReason.ImpossibleValue },
            { WithChecksum("GPRMC,083559.00,A,4767.11437,N,00833.91522,E,0.004,77.52,091202,,,A"), RejectReason.ImpossibleValue },
            { WithChecksum("GPRMC,083559.00,A,9100.00000,N,00833.91522,E,0.004,77.52,091202,,,A"), RejectReason.ImpossibleValue },
            { WithChecksum("GPRMC,083559.00,A,4717.11437,N,18133.91522,E,0.004,77.52,091202,,,A"), RejectReason.ImpossibleValue },
            { WithChecksum("GPRMC,083559.00,A,4717.11437,N,00833.91522,E,-0.004,77.52,091202,,,A"), RejectReason.ImpossibleValue },
            { WithChecksum("GPRMC,083559.00,A,4717.11437,N,00833.91522,E,1500.0,77.52,091202,,,A"), RejectReason.ImpossibleValue },
            { WithChecksum("GPRMC,083559.00,A,4717.11437,N,00833.91522,E,0.004,377.52,091202,,,A"), RejectReason.ImpossibleValue },
            { WithChecksum("GPRMC,083559.00,A,4717.11437,N,00833.91522,E,0.004,77.52,310202,,,A"), RejectReason.ImpossibleValue },
            { WithChecksum("GPGGA,092725.00,4717.11399,N,00833.91590,E,9,08,1.01,499.6,M,48.0,M,,"), RejectReason.ImpossibleValue },
            { WithChecksum("GPGGA,092725.00,4717.11399,N,00833.91590,E,1,123,1.01,499.6,M,48.0,M,,"), RejectReason.ImpossibleValue },
            { WithChecksum("GPGGA,092725.00,4717.11399,N,00833.91590,E,1,08,-1.01,499.6,M,48.0,M,,"), RejectReason.ImpossibleValue },
            { WithChecksum("IIRMC,083559.00,A,4717.11437,N,00833.91522,E,0.004,77.52,091202,,,A"), RejectReason.UnknownSensor },
        };

    [Theory]
    [MemberData(nameof(BadSentences))]
    public void Every_reject_reason_is_counted_once_with_its_bytes_and_the_next_sentence_still_decodes(string bad, RejectReason reason)
    {
        const string good = "$GPVTG,77.52,T,,M,0.004,N,0.008,K,A*06\r\n";
        var d = new NmeaDecoder();
        var frames = Decode(d, bad + good);
        Assert.Single(frames);
        Assert.Equal(1, d.Counters.Rejects(reason));
        Assert.Equal(1, d.Counters.TotalRejects);
        Assert.Equal(Encoding.Latin1.GetByteCount(bad), d.Counters.RejectedBytes);
        Assert.Equal(good.Length, d.AcceptedBytes);
        Assert.Equal(RejectReasons.Name(reason), RejectReasons.Name(d.Counters.LastReject!.Value));
    }

    [Fact]
    public void Over_long_sentence_split_across_reads_is_one_run_and_the_decoder_resyncs()
    {
        var d = new NmeaDecoder();
        var longPart = "$GPGGA," + new string('7', 300);
        var good = WithChecksum("GNVTG,10.00,T,,M,20.000,N,37.040,K,A");
        var frames = new List<NmeaFrame>();
        foreach (var piece in new[] { longPart[..50], longPart[50..], "77\r\n" + good[..10], good[10..] })
            frames.AddRange(Decode(d, piece));
        Assert.Single(frames);
        Assert.Equal(1, d.Counters.Rejects(RejectReason.TooLong));
        Assert.Equal(longPart.Length + 4, d.Counters.RejectedBytes);
    }

    [Fact]
    public void End_of_stream_counts_a_partial_sentence()
    {
        var d = new NmeaDecoder();
        Assert.Empty(Decode(d, "$GPVTG,77.52,T"));
        Assert.Equal(14, d.PendingBytes);
        d.EndOfStream();
        Assert.Equal(0, d.PendingBytes);
        Assert.Equal(1, d.Counters.Rejects(RejectReason.BadLength));
        Assert.Single(Decode(d, "$GPVTG,77.52,T,,M,0.004,N,0.008,K,A*06\r\n"));
    }

    [Fact]
    public void Bare_lf_terminator_and_lower_case_checksum_are_accepted()
    {
        var upper = WithChecksum("GPVTG,10.00,T,,M,20.000,N,37.040,K,A"); // checksum 0E: has a letter
        var lower = upper[..^4] + upper[^4..^2].ToLowerInvariant() + "\r\n";
        Assert.NotEqual(upper, lower);
        var frames = Decode(new NmeaDecoder(), "$GPVTG,77.52,T,,M,0.004,N,0.008,K,A*06\n" + lower);
        Assert.Equal(2, frames.Count);
    }

    /// <summary>Frames a receiver could send: generated values, then normalised through encode → decode.</summary>
    internal static readonly Gen<NmeaFrame> AnyFrame = Gen.Select(
            Gen.Int[0, 2],
            Gen.Int[0, 6],
            Gen.Int[0, 9],
            Gen.Double[0, 86_399.99],
            Gen.Double[-90, 90],
            Gen.Double[-180, 180],
            Gen.Double[0, 300]
        )
        .Select(
            Gen.Double[0, 359.99],
            Gen.Int[0, 8],
            Gen.Int[-1, 40],
            Gen.Double[0, 99.99],
            Gen.Double[-400, 9000],
            Gen.Int[0, 36_500],
            Gen.Int[0, 15],
            (a, course, quality, sats, hdop, alt, day, empties) =>
            {
                var (sentence, talker, mode, time, lat, lon, knots) = a;
                var f = NmeaFrame.Empty((NmeaSentence)sentence, (NmeaTalker)talker) with { Mode = (NmeaMode)mode, Valid = mode != 6 };
                var noPosition = (empties & 1) != 0;
                var noSpeed = (empties & 2) != 0;
                return sentence switch
                {
                    0 => f with
                    {
                        UtcTimeS = time,
                        LatitudeDeg = noPosition ? double.NaN : lat,
                        LongitudeDeg = noPosition ? double.NaN : lon,
                        SpeedKnots = noSpeed ? double.NaN : knots,
                        CourseTrueDeg = noSpeed ? double.NaN : course,
                        UtcDate = (empties & 4) != 0 ? default : new DateOnly(1980, 1, 1).AddDays(day),
                    },
                    1 => f with
                    {
                        Valid = mode == 0 ? !noSpeed : mode != 6,
                        SpeedKnots = noSpeed ? double.NaN : knots,
                        SpeedKmh = noSpeed ? double.NaN : knots * 1.852,
                        CourseTrueDeg = noSpeed ? double.NaN : course,
                    },
                    _ => f with
                    {
                        Mode = NmeaMode.NotGiven,
                        UtcTimeS = time,
                        LatitudeDeg = noPosition ? double.NaN : lat,
                        LongitudeDeg = noPosition ? double.NaN : lon,
                        FixQuality = quality,
                        Valid = quality != 0,
                        Satellites = sats,
                        Hdop = (empties & 8) != 0 ? double.NaN : hdop,
                        AltitudeM = alt,
                    },
                };
            }
        );

    private static NmeaFrame DecodeOne(ReadOnlySpan<byte> bytes)
    {
        var d = new NmeaDecoder();
        Assert.True(d.TryRead(ref bytes, out var f), "sentence not decoded");
        Assert.True(bytes.IsEmpty);
        return f;
    }

    [Fact]
    public void Encode_then_decode_keeps_every_field_to_the_wire_precision()
    {
        AnyFrame.Sample(
            f =>
            {
                var buffer = new byte[NmeaEncoder.MaxSentenceLength]; // CsCheck samples on several threads
                var n = NmeaEncoder.Encode(buffer, f);
                Assert.InRange(n, 10, NmeaEncoder.MaxSentenceLength);
                var g = DecodeOne(buffer.AsSpan(0, n));
                Assert.Equal(f.Sentence, g.Sentence);
                Assert.Equal(f.Talker, g.Talker);
                Assert.Equal(f.Mode, g.Mode);
                Assert.Equal(f.Valid, g.Valid);
                Assert.Equal(f.UtcDate, g.UtcDate);
                Assert.Equal(f.FixQuality, g.FixQuality);
                Assert.Equal(f.Satellites, g.Satellites);
                Close(f.UtcTimeS, g.UtcTimeS, 0.006);
                Close(f.LatitudeDeg, g.LatitudeDeg, 1e-6);
                Close(f.LongitudeDeg, g.LongitudeDeg, 1e-6);
                Close(f.SpeedKnots, g.SpeedKnots, 0.0006);
                Close(f.CourseTrueDeg, g.CourseTrueDeg, 0.006);
                Close(f.Hdop, g.Hdop, 0.006);
                Close(f.AltitudeM, g.AltitudeM, 0.06);
                if (f.Sentence != NmeaSentence.Gga)
                    Close(f.SpeedKnots * 1.852, g.SpeedKmh, 0.002);

                // Once on the wire's precision, encoding is exact: decode(encode(g)) == g and the bytes repeat.
                var again = new byte[NmeaEncoder.MaxSentenceLength];
                var m = NmeaEncoder.Encode(again, g);
                Assert.Equal(buffer.AsSpan(0, n).ToArray(), again.AsSpan(0, m).ToArray());
            },
            iter: 5000
        );
    }

    private static void Close(double want, double got, double tolerance)
    {
        if (double.IsNaN(want))
            Assert.True(double.IsNaN(got), $"expected NaN, got {got}");
        else
            Assert.True(Math.Abs(want - got) <= tolerance, $"expected {want}, got {got}");
    }

    /// <summary>Valid sentences with garbage between them (no '$' or LF in the garbage), and the tail.</summary>
    private static readonly Gen<byte[]> Garbage = Gen.Byte.Where(b => b is not ((byte)'$' or (byte)'\n')).Array[0, 40];

    [Fact]
    public void Valid_sentences_in_garbage_are_all_recovered_in_order_however_the_stream_is_split()
    {
        Gen.Select(AnyFrame, Garbage)
            .Array[0, 15]
            .Select(Garbage, Gen.Int[1, 97])
            .Sample(
                (pairs, tail, chunk) =>
                {
                    var buffer = new byte[NmeaEncoder.MaxSentenceLength]; // CsCheck samples on several threads
                    var stream = new List<byte>();
                    var expected = new List<NmeaFrame>();
                    foreach (var (frame, garbage) in pairs)
                    {
                        stream.AddRange(garbage);
                        // A garbage run ending in '\r' or without a LF runs into the sentence's '$' and is rejected as garbage.
                        var n = NmeaEncoder.Encode(buffer, frame);
                        stream.AddRange(buffer.AsSpan(0, n).ToArray());
                        expected.Add(DecodeOne(buffer.AsSpan(0, n)));
                    }

                    stream.AddRange(tail);
                    var data = stream.ToArray();
                    var d = new NmeaDecoder();
                    var frames = new List<NmeaFrame>();
                    for (var i = 0; i < data.Length; i += chunk)
                    {
                        ReadOnlySpan<byte> input = data.AsSpan(i, Math.Min(chunk, data.Length - i));
                        while (d.TryRead(ref input, out var f))
                            frames.Add(f);
                        Assert.True(input.IsEmpty);
                    }

                    Assert.Equal(expected, frames);
                    Assert.Equal(pairs.Sum(p => p.Item2.Length) + tail.Length, d.Counters.RejectedBytes);
                    Assert.Equal(data.Length, d.Counters.Bytes);
                },
                iter: 500
            );
    }

    [Fact]
    public void Fuzz_ten_million_bytes_never_throw_and_every_byte_is_accounted_for()
    {
        // Three kinds of input in turn: random bytes, valid sentences with random bytes flipped, and random
        // printable text with '$', ',', '*' and line ends, so that every parser path is reached.
        var random = new Random(20261204);
        var d = new NmeaDecoder();
        var sentence = new byte[NmeaEncoder.MaxSentenceLength];
        var chunk = new byte[4096];
        long fed = 0,
            frames = 0;
        const string alphabet = "$$,,,,**\r\n0123456789.ABCDEFGNPSTVWMKRQ-";
        while (fed < 10_000_000)
        {
            var length = 0;
            var kind = random.Next(3);
            while (length < chunk.Length - NmeaEncoder.MaxSentenceLength)
            {
                if (kind == 0)
                {
                    chunk[length++] = (byte)random.Next(256);
                }
                else if (kind == 1)
                {
                    var f = AnyFrame.Single(); // CsCheck's own generator state; the flips below use the seeded Random
                    var n = NmeaEncoder.Encode(sentence, f);
                    for (var flips = random.Next(3); flips > 0; flips--)
                        sentence[random.Next(n)] = (byte)random.Next(256);
                    sentence.AsSpan(0, n).CopyTo(chunk.AsSpan(length));
                    length += n;
                }
                else
                {
                    chunk[length++] = (byte)alphabet[random.Next(alphabet.Length)];
                }
            }

            for (var i = 0; i < length; )
            {
                var take = Math.Min(length - i, 1 + random.Next(200));
                ReadOnlySpan<byte> input = chunk.AsSpan(i, take);
                while (d.TryRead(ref input, out var f))
                {
                    frames++;
                    Assert.True(f.Sentence is NmeaSentence.Rmc or NmeaSentence.Vtg or NmeaSentence.Gga);
                }

                Assert.True(input.IsEmpty);
                i += take;
            }

            fed += length;
            Assert.Equal(fed, d.Counters.Bytes);
            Assert.Equal(fed, d.AcceptedBytes + d.Counters.RejectedBytes + d.PendingBytes);
            Assert.InRange(d.PendingBytes, 0, NmeaDecoder.MaxSentenceLength - 1);
        }

        Assert.Equal(frames, d.Counters.Frames);
        Assert.True(frames > 1000, $"only {frames} frames decoded: the fuzz input is not reaching the parser");
        foreach (var reason in new[] { RejectReason.BadHeader, RejectReason.BadChecksum, RejectReason.BadLength, RejectReason.TooLong })
            Assert.True(d.Counters.Rejects(reason) > 0, $"no {RejectReasons.Name(reason)} reject in 10^7 fuzz bytes");
    }

    [Fact]
    public void Steady_state_decoding_allocates_nothing()
    {
        var buffer = new byte[NmeaEncoder.MaxSentenceLength * 300];
        var length = 0;
        var frames = AnyFrame.Array[300].Single();
        foreach (var f in frames)
            length += NmeaEncoder.Encode(buffer.AsSpan(length), f);
        var d = new NmeaDecoder();
        Run();
        var before = GC.GetAllocatedBytesForCurrentThread();
        Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        void Run()
        {
            for (var chunk = 1; chunk <= 256; chunk *= 4)
            {
                for (var i = 0; i < length; i += chunk)
                {
                    ReadOnlySpan<byte> input = buffer.AsSpan(i, Math.Min(chunk, length - i));
                    while (d.TryRead(ref input, out _)) { }
                }
            }
        }
    }
}
