using System.Text;
using Kavach.Protocols;
using Xunit;

namespace Kavach.Protocols.Tests;

public class JsonLineDecoderTests
{
    private static (List<JsonLineFrame> Frames, JsonLineDecoder Decoder) Decode(
        string text,
        SensorKind kind = SensorKind.Unspecified,
        int chunk = 0
    )
    {
        var d = new JsonLineDecoder(kind);
        var frames = new List<JsonLineFrame>();
        var bytes = Encoding.UTF8.GetBytes(text);
        var step = chunk <= 0 ? bytes.Length : chunk;
        for (var i = 0; i < bytes.Length; i += step)
        {
            ReadOnlySpan<byte> span = bytes.AsSpan(i, Math.Min(step, bytes.Length - i));
            while (d.TryRead(ref span, out var f))
                frames.Add(f);
        }
        return (frames, d);
    }

    [Fact]
    public void Original_design_lines_decode()
    {
        var (frames, d) = Decode(
            """
            {"sensor":"lidar","distance":12.3,"c":0.98}
            {"sensor":"radar","speed":4.2,"range":180.0}
            {"sensor":"camera","visibility":0.35,"id":"f-17"}

            """
        );
        Assert.Equal(3, frames.Count);
        Assert.Equal(SensorKind.Lidar, frames[0].Kind);
        Assert.Equal(12.3f, frames[0].DistanceM);
        Assert.Equal(0.98f, frames[0].Confidence);
        Assert.False(frames[0].NoReturn);
        Assert.Equal(SensorKind.Radar, frames[1].Kind);
        Assert.Equal(180f, frames[1].RangeM);
        Assert.Equal(4.2f, frames[1].ClosingSpeedMps);
        Assert.Equal(1, frames[1].Targets);
        Assert.Equal(SensorKind.Camera, frames[2].Kind);
        Assert.Equal(0.35f, frames[2].Visibility);
        Assert.True(float.IsNaN(frames[2].VisibilityM));
        Assert.Equal(3, d.Counters.Frames);
        Assert.Equal(0, d.Counters.TotalRejects);
    }

    [Fact]
    public void Line_without_sensor_takes_the_default_kind()
    {
        var (frames, _) = Decode("{\"visibility\": 0.45}\n", SensorKind.Camera);
        Assert.Equal(SensorKind.Camera, Assert.Single(frames).Kind);

        var (none, d) = Decode("{\"visibility\": 0.45}\n");
        Assert.Empty(none);
        Assert.Equal(1, d.Counters.Rejects(RejectReason.MissingField));
    }

    [Fact]
    public void No_return_and_no_target_are_readings_not_rejects()
    {
        var (frames, d) = Decode(
            "{\"sensor\":\"lidar\",\"distance\":null,\"c\":0}\n{\"sensor\":\"lidar\",\"distance\":5,\"c\":0}\n{\"sensor\":\"radar\",\"speed\":null,\"range\":null}\n"
        );
        Assert.Equal(3, frames.Count);
        Assert.True(frames[0].NoReturn);
        Assert.True(frames[1].NoReturn);
        Assert.True(float.IsNaN(frames[2].RangeM));
        Assert.Equal(0, frames[2].Targets);
        Assert.Equal(2, d.Counters.NoReturn);
        Assert.Equal(0, d.Counters.TotalRejects);
    }

    [Fact]
    public void Strength_ts_and_visibility_m_are_read()
    {
        var (frames, _) = Decode(
            "{\"sensor\":\"lidar\",\"distance\":60,\"c\":1,\"strength\":1234,\"ts\":1764136800.5}\n{\"sensor\":\"camera\",\"visibility_m\":420,\"ts\":\"2026-11-26T06:00:00Z\"}\n"
        );
        Assert.Equal(1234f, frames[0].Strength);
        Assert.Equal(1764136800.5, frames[0].TimestampUnixS);
        Assert.Equal(420f, frames[1].VisibilityM);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), frames[1].TimestampUnixS);
    }

    public static TheoryData<string, RejectReason> BadLines =>
        new()
        {
            { "not json at all", RejectReason.Malformed },
            { "{\"sensor\":\"lidar\",\"distance\":12", RejectReason.Malformed },
            { "[1,2,3]", RejectReason.Malformed },
            { "{\"sensor\":\"lidar\",\"distance\":NaN}", RejectReason.NotFinite },
            { "{\"sensor\":\"lidar\",\"distance\":Infinity}", RejectReason.NotFinite },
            { "{\"sensor\":\"lidar\",\"distance\":\"NaN\"}", RejectReason.NotFinite },
            { "{\"sensor\":\"lidar\",\"distance\":\"12.3\"}", RejectReason.WrongType },
            { "{\"sensor\":\"lidar\",\"distance\":true}", RejectReason.WrongType },
            { "{\"sensor\":\"radar\",\"range\":[1]}", RejectReason.WrongType },
            { "{\"sensor\":7,\"distance\":1}", RejectReason.WrongType },
            { "{\"sensor\":\"lidar\",\"distance\":-1}", RejectReason.ImpossibleValue },
            { "{\"sensor\":\"lidar\",\"distance\":5,\"c\":1.5}", RejectReason.ImpossibleValue },
            { "{\"sensor\":\"radar\",\"speed\":900,\"range\":10}", RejectReason.ImpossibleValue },
            { "{\"sensor\":\"camera\",\"visibility\":1.2}", RejectReason.ImpossibleValue },
            { "{\"sensor\":\"sonar\",\"distance\":1}", RejectReason.UnknownSensor },
            { "{\"sensor\":\"lidar\",\"c\":1}", RejectReason.MissingField },
            { "{\"sensor\":\"radar\",\"speed\":1}", RejectReason.MissingField },
            { "{\"sensor\":\"camera\"}", RejectReason.MissingField },
            { "{\"sensor\":\"lidar\",\"distance\":1}{}", RejectReason.Malformed },
        };

    [Theory]
    [MemberData(nameof(BadLines))]
    public void Bad_line_is_rejected_by_reason_and_the_next_line_still_decodes(string line, RejectReason reason)
    {
        var (frames, d) = Decode(line + "\n{\"sensor\":\"lidar\",\"distance\":3,\"c\":1}\n");
        Assert.Equal(3f, Assert.Single(frames).DistanceM);
        Assert.Equal(1, d.Counters.Rejects(reason));
        Assert.Equal(1, d.Counters.TotalRejects);
        Assert.Equal(reason, d.Counters.LastReject);
        Assert.Equal(line.Length + 1, d.Counters.RejectedBytes);
    }

    [Fact]
    public void Line_over_64_KiB_is_rejected_whole_even_across_chunks()
    {
        var big = "{\"sensor\":\"lidar\",\"distance\":1,\"pad\":\"" + new string('x', 70_000) + "\"}";
        foreach (var chunk in new[] { 0, 1000, 4096 })
        {
            var (frames, d) = Decode(big + "\n{\"sensor\":\"lidar\",\"distance\":2,\"c\":1}\n", chunk: chunk);
            Assert.Equal(2f, Assert.Single(frames).DistanceM);
            Assert.Equal(1, d.Counters.Rejects(RejectReason.TooLong));
            Assert.Equal(big.Length + 1, d.Counters.RejectedBytes);
        }
    }

    [Fact]
    public void Partial_line_at_end_of_stream_is_counted_not_parsed()
    {
        var (frames, d) = Decode("{\"sensor\":\"lidar\",\"distance\":1,\"c\":1}\n{\"sensor\":\"lidar\",\"dis");
        Assert.Single(frames);
        Assert.Equal(0, d.Counters.TotalRejects);
        d.EndOfStream();
        Assert.Equal(1, d.Counters.Rejects(RejectReason.BadLength));
    }

    [Fact]
    public void Split_anywhere_gives_the_same_frames()
    {
        var text =
            "{\"sensor\":\"lidar\",\"distance\":1.5,\"c\":0.5}\r\n{\"sensor\":\"radar\",\"speed\":-2,\"range\":40,\"snr\":18.5,\"targets\":3}\n\n{\"sensor\":\"camera\",\"visibility_m\":800}\n";
        var whole = Decode(text).Frames;
        for (var chunk = 1; chunk < 20; chunk++)
            Assert.Equal(whole, Decode(text, chunk: chunk).Frames);
    }

    [Fact]
    public void Encoder_output_decodes_back()
    {
        var buf = new byte[JsonLineEncoder.MaxLineLength * 5];
        var n = JsonLineEncoder.WriteLidar(buf, 12.25f, 0.9f, 1500);
        n += JsonLineEncoder.WriteLidar(buf.AsSpan(n), null, 0, null);
        n += JsonLineEncoder.WriteRadar(buf.AsSpan(n), 180.5f, 4.25f, 21f, 2);
        n += JsonLineEncoder.WriteCamera(buf.AsSpan(n), 0.35f);
        n += JsonLineEncoder.WriteCameraMetres(buf.AsSpan(n), 420f);
        var (frames, d) = Decode(Encoding.UTF8.GetString(buf, 0, n));
        Assert.Equal(5, frames.Count);
        Assert.Equal(0, d.Counters.TotalRejects);
        Assert.Equal(12.25f, frames[0].DistanceM);
        Assert.Equal(1500f, frames[0].Strength);
        Assert.True(frames[1].NoReturn);
        Assert.Equal(180.5f, frames[2].RangeM);
        Assert.Equal(2, frames[2].Targets);
        Assert.Equal(0.35f, frames[3].Visibility);
        Assert.Equal(420f, frames[4].VisibilityM);
    }

    [Fact]
    public void Encoder_reports_a_too_small_buffer_with_zero()
    {
        Assert.Equal(0, JsonLineEncoder.WriteLidar(new byte[10], 12.25f, 0.9f, 1500));
    }

    [Fact]
    public void Steady_state_decoding_allocates_nothing()
    {
        var line = Encoding.UTF8.GetBytes("{\"sensor\":\"lidar\",\"distance\":12.3,\"c\":0.98,\"strength\":1200}\n");
        var d = new JsonLineDecoder();
        for (var i = 0; i < 100; i++)
        {
            ReadOnlySpan<byte> s = line;
            while (d.TryRead(ref s, out _)) { }
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            ReadOnlySpan<byte> s = line;
            while (d.TryRead(ref s, out _)) { }
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
