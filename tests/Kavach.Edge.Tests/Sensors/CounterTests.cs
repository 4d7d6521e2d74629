using System.Text;
using Kavach.Edge.Sensors;
using Kavach.Edge.Tests.Support;
using Kavach.Protocols;
using Microsoft.Extensions.Time.Testing;

namespace Kavach.Edge.Tests.Sensors;

/// <summary>
/// Counters mean what they say: a decoder's counters are cumulative (the sensor adds only what is new), the last
/// reject is the last one seen with when it arrived, and rates are differences of the cumulative totals.
/// </summary>
public class CounterTests
{
    private static SensorState Sensor(string protocol, string extra = "", string kind = "lidar") =>
        new(0, TestConfig.Valid(SensorJson.Config(SensorJson.Listen(kind, kind, protocol, extra))).Sensors[0]);

    private static byte[] Frame(ushort strength = 500)
    {
        var b = new byte[TfSeriesEncoder.FrameLength];
        TfSeriesEncoder.Encode(b, 1234, strength, 30);
        return b;
    }

    private static byte[] BadChecksum()
    {
        var b = Frame();
        b[^1] ^= 0xFF;
        return b;
    }

    private static byte[] Garbage => [0x01, 0x02, 0x03];

    [Fact]
    public void A_decoders_counters_stay_cumulative_and_the_sensor_adds_only_what_is_new()
    {
        var state = Sensor("tf-series", "\"Variant\": \"tf03\",");
        var decoder = new TfSeriesDecoder(TfVariant.Tf03);
        var seen = new DecoderCursor();
        var chunk = Frame().Concat(Frame()).Concat(Garbage).Concat(Frame()).ToArray();

        for (var i = 1; i <= 3; i++)
        {
            ReadOnlySpan<byte> data = chunk;
            while (decoder.TryRead(ref data, out _)) { }
            state.Absorb(decoder.Counters, seen, i);
            Assert.Equal(3 * i, decoder.Counters.Frames); // never reset by the consumer
            Assert.Equal(3 * i, state.Frames); // nor counted twice
            Assert.Equal(chunk.Length * i, state.Bytes);
        }
        Assert.Equal(3, decoder.Counters.Rejects(RejectReason.BadHeader));
        Assert.Equal(3, state.Rejects(RejectReason.BadHeader));

        // a second connection (its own decoder and cursor) adds to the same totals
        var other = new TfSeriesDecoder(TfVariant.Tf03);
        ReadOnlySpan<byte> more = Frame();
        while (other.TryRead(ref more, out _)) { }
        state.Absorb(other.Counters, new DecoderCursor(), 4);
        Assert.Equal(10, state.Frames);
    }

    [Fact]
    public void The_last_reject_is_the_last_one_seen_not_the_most_frequent()
    {
        var state = Sensor("tf-series", "\"Variant\": \"tf03\",");
        var time = new FakeTimeProvider();
        var c = Kavach.Edge.Sensors.Protocols.TfSeriesProtocol.Connection(state, new ReadingQueue(1024), time);
        // three bad-header runs, then one bad checksum, in one chunk
        c.OnBytes([.. Garbage, .. Frame(), .. Garbage, .. Frame(), .. Garbage, .. Frame(), .. BadChecksum(), .. Frame()]);

        var h = state.Health(time.GetTimestamp(), time);
        Assert.Equal(3, h.Rejects["bad-header"]);
        Assert.Equal(1, h.Rejects["bad-checksum"]);
        Assert.Equal("bad-checksum", h.LastReject);
    }

    [Fact]
    public void The_last_reject_keeps_the_time_it_arrived()
    {
        var state = Sensor("tf-series", "\"Variant\": \"tf03\",");
        var time = new FakeTimeProvider();
        var c = Kavach.Edge.Sensors.Protocols.TfSeriesProtocol.Connection(state, new ReadingQueue(1024), time);
        Assert.Null(state.Health(time.GetTimestamp(), time).LastRejectAgeS);

        c.OnBytes([.. Garbage, .. Frame()]);
        time.Advance(TimeSpan.FromSeconds(2));
        c.OnBytes([.. Frame(), .. Frame()]); // clean chunks leave the last reject where it was
        time.Advance(TimeSpan.FromSeconds(1));

        var h = state.Health(time.GetTimestamp(), time);
        Assert.Equal("bad-header", h.LastReject);
        Assert.Equal(3, h.LastRejectAgeS!.Value, 3);
    }

    [Fact]
    public void A_json_line_for_a_kind_the_input_does_not_carry_is_counted_and_is_the_last_reject()
    {
        var state = Sensor("json-lines");
        var time = new FakeTimeProvider();
        var endpoint = new SensorEndpoint([state], () => throw new NotSupportedException());
        var c = new Kavach.Edge.Sensors.Protocols.JsonLinesConnection(endpoint, new ReadingQueue(1024), time);
        // a well-formed radar line at a lidar-only input: a reject of no bytes of its own
        c.OnBytes(Encoding.UTF8.GetBytes("{\"sensor\":\"radar\",\"speed\":4.2,\"range\":180.0,\"snr\":21.5,\"targets\":2}\n"));
        c.OnBytes(Encoding.UTF8.GetBytes("{\"sensor\":\"lidar\",\"distance\":12.3,\"c\":0.98,\"strength\":1200}\n"));

        Assert.Equal(1, state.Rejects(RejectReason.UnknownSensor));
        Assert.Equal(1, state.Frames);
        Assert.Equal("unknown-sensor", state.Health(time.GetTimestamp(), time).LastReject);
    }

    [Fact]
    public void Returns_below_the_configured_MinStrength_count_as_no_return_once()
    {
        // tf03's own floor is 40; the sensor is configured stricter
        var state = Sensor("tf-series", "\"Variant\": \"tf03\", \"MinStrength\": 200,");
        var time = new FakeTimeProvider();
        var c = Kavach.Edge.Sensors.Protocols.TfSeriesProtocol.Connection(state, new ReadingQueue(1024), time);
        for (var i = 0; i < 2; i++)
            c.OnBytes([.. Frame(500), .. Frame(100), .. Frame(10)]); // valid, weak (config), weak (model)

        Assert.Equal(6, state.Frames);
        Assert.Equal(4, state.NoReturn);
    }

    [Fact]
    public void Rates_are_differences_of_the_cumulative_totals()
    {
        var state = Sensor("tf-series", "\"Variant\": \"tf03\",");
        var time = new FakeTimeProvider();
        var c = Kavach.Edge.Sensors.Protocols.TfSeriesProtocol.Connection(state, new ReadingQueue(1 << 16), time);
        state.Sample(time.GetTimestamp());
        for (var s = 0; s < 4; s++)
        {
            c.OnBytes([.. Frame(), .. Garbage, .. Frame(), .. Garbage, .. Frame()]); // 3 frames, 2 rejects a second
            time.Advance(TimeSpan.FromSeconds(1));
            state.Sample(time.GetTimestamp());
        }
        var h = state.Health(time.GetTimestamp(), time);
        Assert.Equal(3, h.FramesPerSecond, 3);
        Assert.Equal(2, h.RejectsPerSecond, 3);
        Assert.Equal(12, h.Frames); // totals unchanged by sampling
        Assert.Equal(8, h.Rejects["bad-header"]);
    }
}
