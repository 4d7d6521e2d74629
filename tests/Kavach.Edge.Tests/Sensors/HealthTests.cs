using Kavach.Edge.Fusion;
using Kavach.Edge.Sensors;
using Kavach.Edge.Tests.Support;
using Kavach.Protocols;
using Microsoft.Extensions.Time.Testing;

namespace Kavach.Edge.Tests.Sensors;

public class HealthTests
{
    private static (SensorState State, FakeTimeProvider Time, ReadingQueue Queue) Lidar()
    {
        var o = TestConfig.Valid(SensorJson.Config(SensorJson.Listen("lidar", "lidar", "tf-series", "\"Variant\": \"tf03\",")));
        return (new SensorState(0, o.Sensors[0]), new FakeTimeProvider(), new ReadingQueue(1 << 16));
    }

    private static byte[] Frames(int n, ushort strength)
    {
        var b = new byte[n * TfSeriesEncoder.FrameLength];
        for (var i = 0; i < n; i++)
            TfSeriesEncoder.Encode(b.AsSpan(i * 9), (ushort)(1000 + i % 7), strength, 30);
        return b;
    }

    [Fact]
    public void Rates_and_no_return_ratio_come_from_the_last_seconds_of_counters()
    {
        var (state, time, queue) = Lidar();
        var c = Kavach.Edge.Sensors.Protocols.TfSeriesProtocol.Connection(state, queue, time);
        state.SetConnection(ConnectionState.Connected);
        state.Sample(time.GetTimestamp());
        for (var s = 0; s < 5; s++)
        {
            c.OnBytes(Frames(80, 500)); // 80 returns
            c.OnBytes(Frames(20, 10)); // 20 below the TF03 floor (40): no return
            c.OnBytes([0x01, 0x02]); // garbage
            time.Advance(TimeSpan.FromSeconds(1));
            state.Sample(time.GetTimestamp());
        }
        time.Advance(TimeSpan.FromMilliseconds(500));
        var h = state.Health(time.GetTimestamp(), time);
        Assert.Equal(100, h.FramesPerSecond, 3);
        Assert.Equal(902, h.BytesPerSecond, 3);
        Assert.Equal(0.2, h.NoReturnRatio, 3);
        Assert.Equal(1.5, h.LastFrameAgeS!.Value, 3);
        Assert.False(h.Stale); // TimeoutMs 2000
        Assert.Null(h.Frozen);
        Assert.Equal("connected", h.Connection);
        Assert.Equal("tf-series", h.Protocol);
        Assert.Equal(5, h.Rejects["bad-header"]);
        Assert.Equal("bad-header", h.LastReject);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(state.Health(time.GetTimestamp(), time).Stale);
    }

    [Fact]
    public void Stale_and_frozen_come_from_the_fusion_when_its_snapshot_is_given()
    {
        // a sensor that has just spoken: its own view says live, the fusion's says stale and frozen — the fusion wins
        var (state, time, queue) = Lidar();
        Kavach.Edge.Sensors.Protocols.TfSeriesProtocol.Connection(state, queue, time).OnBytes(Frames(3, 500));
        Assert.False(state.Health(time.GetTimestamp(), time).Stale);
        var features = new SensorFeatures[1];
        features[0].Stale = true;
        features[0].Frozen = true;
        var h = state.Health(time.GetTimestamp(), time, new FusionSnapshot(time.GetTimestamp(), features));
        Assert.True(h.Stale);
        Assert.True(h.Frozen);
        Assert.Equal(0.0, h.LastFrameAgeS!.Value, 3);

        // a sensor that never spoke: its own view says stale, the fusion's says live — the fusion wins again
        var (silent, time2, _) = Lidar();
        Assert.True(silent.Health(time2.GetTimestamp(), time2).Stale);
        var live = silent.Health(time2.GetTimestamp(), time2, new FusionSnapshot(time2.GetTimestamp(), new SensorFeatures[1]));
        Assert.False(live.Stale);
        Assert.False(live.Frozen);
        Assert.Null(live.LastFrameAgeS);
        Assert.True(double.IsNaN(live.NoReturnRatio));
    }

    [Fact]
    public void Decoding_a_chunk_allocates_nothing_per_frame()
    {
        var (state, time, queue) = Lidar();
        var c = Kavach.Edge.Sensors.Protocols.TfSeriesProtocol.Connection(state, queue, time);
        var chunk = Frames(1000, 500);
        c.OnBytes(chunk); // warm up (queue segments, JIT)
        while (queue.Reader.TryRead(out _)) { }
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++)
        {
            c.OnBytes(chunk);
            while (queue.Reader.TryRead(out _)) { }
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(11_000, state.Frames);
    }
}
