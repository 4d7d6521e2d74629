using System.Net;
using System.Net.Sockets;
using Kavach.Edge.Tests.Support;
using Kavach.Protocols;

namespace Kavach.Edge.Tests.Sensors;

/// <summary>Each binary protocol end to end: bytes over a real loopback TCP connection → decoder → readings on the queue.</summary>
public class DecoderInputTests
{
    private static async Task<Socket> ConnectAsync(InputHarness h, string sensor)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await s.ConnectAsync(h.Service.BoundEndpoints[sensor]);
        return s;
    }

    private static byte[] Tf(ushort cm, ushort strength)
    {
        var b = new byte[TfSeriesEncoder.FrameLength];
        TfSeriesEncoder.Encode(b, cm, strength, 40f);
        return b;
    }

    [Fact]
    public async Task Tf_series_frames_become_lidar_readings_and_rejects_are_counted_by_reason()
    {
        await using var h = await new InputHarness(
            SensorJson.Config(SensorJson.Listen("lidar", "lidar", "tf-series", "\"Variant\": \"tf03\", \"MinStrength\": 100,"))
        ).StartAsync();
        using var s = await ConnectAsync(h, "lidar");

        var bad = Tf(500, 900);
        bad[8] ^= 0xFF; // checksum broken
        byte[] stream = [.. Tf(1234, 900), 0x00, 0x13, .. bad, .. Tf(2000, 50), .. Tf(300, 1200)];
        // split mid-frame across two sends: the decoder keeps the partial frame
        await s.SendAsync(stream.AsMemory(0, 13));
        await s.SendAsync(stream.AsMemory(13));
        await h.WaitForReadingsAsync("lidar", 3);

        var r = h.Readings;
        Assert.Equal(3, r.Count);
        Assert.All(r, x => Assert.Equal(SensorKind.Lidar, x.Kind));
        Assert.Equal(12.34f, r[0].DistanceM, 3);
        Assert.Equal(900f, r[0].Strength);
        Assert.False(r[0].NoReturn);
        Assert.True(r[1].NoReturn); // strength 50 < configured MinStrength 100
        Assert.True(float.IsNaN(r[1].DistanceM));
        Assert.Equal(3f, r[2].DistanceM, 3);

        var state = h.Sensor("lidar");
        await Eventually.WaitAsync(() => state.Bytes == stream.Length, "all bytes counted");
        Assert.Equal(3, state.Frames);
        Assert.Equal(1, state.NoReturn);
        Assert.Equal(1, state.Rejects(RejectReason.BadChecksum));
        Assert.True(state.Rejects(RejectReason.BadHeader) >= 1);
        Assert.NotEqual(long.MinValue, state.LastFrameTimestamp);
    }

    [Fact]
    public async Task Ti_mmwave_packets_become_radar_readings_of_the_nearest_target()
    {
        await using var h = await new InputHarness(SensorJson.Config(SensorJson.Listen("radar", "radar", "ti-mmwave"))).StartAsync();
        using var s = await ConnectAsync(h, "radar");
        var buf = new byte[TiMmwaveEncoder.MaxFrameLength(3)];
        // y along boresight; velocity positive = moving away → closing speed is its negative
        var n = TiMmwaveEncoder.Encode(
            buf,
            7,
            [new(0, 80, 0, 1f), new(0, 42, 0, -3f), new(0, 120, 0, 0)],
            [new(150, 20), new(233, 20), new(90, 20)]
        );
        var empty = new byte[TiMmwaveEncoder.MaxFrameLength(0)];
        var m = TiMmwaveEncoder.Encode(empty, 8, [], []);
        await s.SendAsync(buf.AsMemory(0, n));
        await s.SendAsync(empty.AsMemory(0, m));
        await h.WaitForReadingsAsync("radar", 2);

        var r = h.Readings;
        Assert.Equal(42f, r[0].RangeM, 3);
        Assert.Equal(3f, r[0].ClosingSpeedMps, 3);
        Assert.Equal(23.3f, r[0].SnrDb, 3);
        Assert.Equal(3, r[0].Targets);
        Assert.True(float.IsNaN(r[1].RangeM));
        Assert.Equal(0, r[1].Targets);
        await Eventually.WaitAsync(() => h.Sensor("radar").NoReturn == 1, "the empty frame counted as no return");
    }

    [Fact]
    public async Task Ti_mmwave_reports_the_nearest_and_second_nearest_targets_as_the_radar_says()
    {
        // the reference is configured, but the input layer does not judge it: the static scene is the floor's
        // (Assessment/StaticScene.cs, ReferenceSceneTests)
        await using var h = await new InputHarness(
            SensorJson.Config(
                SensorJson.Listen("radar", "radar", "ti-mmwave"),
                "\"ReferenceRangeM\": 60, \"ConfirmToleranceM\": 3, \"MinClosingSpeedMps\": 0.5"
            )
        ).StartAsync();
        using var s = await ConnectAsync(h, "radar");
        var buf = new byte[TiMmwaveEncoder.MaxFrameLength(3)];
        // the reflector (static, 60.5 m) and a car behind it (static too, 75 m), listed far first
        var n = TiMmwaveEncoder.Encode(buf, 1, [new(0, 75, 0, 0), new(0, 90, 0, 0), new(0, 60.5f, 0, 0.1f)], []);
        await s.SendAsync(buf.AsMemory(0, n));
        // the reflector alone
        n = TiMmwaveEncoder.Encode(buf, 2, [new(0, 60.2f, 0, 0f)], []);
        await s.SendAsync(buf.AsMemory(0, n));
        await h.WaitForReadingsAsync("radar", 2);

        var r = h.Readings;
        Assert.Equal(60.5f, r[0].RangeM, 3);
        Assert.Equal(-0.1f, r[0].ClosingSpeedMps, 3);
        Assert.Equal(75f, r[0].Range2M, 3);
        Assert.Equal(0f, r[0].ClosingSpeed2Mps, 3);
        Assert.Equal(60.2f, r[1].RangeM, 3);
        Assert.True(float.IsNaN(r[1].Range2M));
    }

    [Fact]
    public async Task Ld06_packets_become_readings_of_the_nearest_return_inside_the_corridor()
    {
        await using var h = await new InputHarness(
            SensorJson.Config(
                SensorJson.Listen("scan", "lidar", "ld06", "\"CorridorStartDeg\": 350, \"CorridorEndDeg\": 10, \"MinIntensity\": 100,")
            )
        ).StartAsync();
        using var s = await ConnectAsync(h, "scan");
        var packet = new byte[Ld06Encoder.FrameLength];
        var p = new Ld06Point[12];
        // 355° → 5.5°: the corridor wraps through 0; the nearest strong point is index 6 (1.2 m), index 3 is weak
        for (var k = 0; k < 12; k++)
            p[k] = new Ld06Point((ushort)(3000 + k), 200, 0);
        p[3] = new Ld06Point(500, 20, 0);
        p[6] = new Ld06Point(1200, 200, 0);
        Ld06Encoder.Encode(packet, 3600, 35500, 550, 1234, p);
        await s.SendAsync(packet);
        // a packet looking elsewhere (90°–100°) makes no reading
        Ld06Encoder.Encode(packet, 3600, 9000, 10000, 1300, p);
        await s.SendAsync(packet);
        // corridor points all empty: a no-return reading
        Array.Clear(p);
        Ld06Encoder.Encode(packet, 3600, 35500, 550, 1400, p);
        await s.SendAsync(packet);
        await Eventually.WaitAsync(() => h.Sensor("scan").Frames == 3, "three packets decoded");

        var r = h.Readings;
        Assert.Equal(2, r.Count);
        Assert.Equal(1.2f, r[0].DistanceM, 3);
        Assert.Equal(200f, r[0].Strength);
        Assert.True(r[1].NoReturn);
    }

    [Fact]
    public async Task Ops243_lines_apply_the_configured_sign_and_unit()
    {
        await using var h = await new InputHarness(
            SensorJson.Config(SensorJson.Listen("doppler", "radar", "ops243", "\"PositiveIsApproaching\": false, \"SpeedUnit\": \"km/h\","))
        ).StartAsync();
        using var s = await ConnectAsync(h, "doppler");
        await s.SendAsync("36.0\r\n-18\r\nnot a number\r\n"u8.ToArray());
        await h.WaitForReadingsAsync("doppler", 2);

        var r = h.Readings;
        Assert.Equal(-10f, r[0].ClosingSpeedMps, 3); // positive = receding on this unit
        Assert.Equal(5f, r[1].ClosingSpeedMps, 3);
        Assert.True(float.IsNaN(r[0].RangeM));
        Assert.Equal(1, r[0].Targets);
        await Eventually.WaitAsync(() => h.Sensor("doppler").TotalRejects == 1, "the bad line counted");
    }

    [Fact]
    public async Task Several_tcp_listen_clients_feed_one_sensor_at_once()
    {
        await using var h = await new InputHarness(
            SensorJson.Config(
                SensorJson
                    .Listen("lidar", "lidar", "tf-series", "\"Variant\": \"tf-luna\", \"TimeoutMs\": 30000,")
                    .Replace("\"Port\": 0", "\"Port\": 0, \"MaxClients\": 4")
            )
        ).StartAsync();
        var clients = new List<Socket>();
        for (var c = 0; c < 4; c++)
            clients.Add(await ConnectAsync(h, "lidar"));
        await Eventually.WaitAsync(() => h.Sensor("lidar").Clients == 4, "four clients connected");

        var sends = clients.Select(
            (c, k) =>
                Task.Run(async () =>
                {
                    for (var f = 0; f < 250; f++)
                        await c.SendAsync(Tf((ushort)(100 + k), 500));
                })
        );
        await Task.WhenAll(sends);
        await h.WaitForReadingsAsync("lidar", 1000);
        var byDistance = h.Readings.GroupBy(r => r.DistanceM).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(4, byDistance.Count);
        Assert.All(byDistance.Values, n => Assert.Equal(250, n));
        Assert.Equal(0, h.Sensor("lidar").TotalRejects); // per-client decoders: no frame torn between clients
        // four devices whose frames interleave on one sensor: not a sensor the unit can trust
        await Wait.UntilAsync(
            async () =>
            {
                foreach (var c in clients)
                    await c.SendAsync(Tf(100, 500));
                await Task.Delay(20);
                return h.Log.Count(Microsoft.Extensions.Logging.LogLevel.Warning, "lidar: FAULT: two sources") >= 1;
            },
            "the two-sources fault"
        );

        foreach (var c in clients)
            c.Dispose();
        await Eventually.WaitAsync(() => h.Sensor("lidar").Clients == 0, "clients gone");
    }
}
