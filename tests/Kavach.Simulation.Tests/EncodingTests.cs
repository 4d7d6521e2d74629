using Kavach.Protocols;
using Xunit;

namespace Kavach.Simulation.Tests;

/// <summary>The simulator's bytes decode with the daemon's decoders, and faults break them the intended way.</summary>
public sealed class EncodingTests
{
    private static Scenario With(SensorSpec sensor, double visibilityM = 5000, double? obstacleM = 60, double closing = 0) =>
        new Scenario
        {
            Name = "e",
            DurationS = 100,
            Sensors = [sensor],
            Timeline =
            [
                new Keyframe
                {
                    TimeS = 0,
                    VisibilityM = visibilityM,
                    Obstacle = obstacleM is { } o ? new ObstacleKeyframe { RangeM = o, ClosingSpeedMps = closing } : null,
                },
            ],
        }.Validate();

    private static (SimSensor Sensor, World World) Make(Scenario s) => (new SimSensor(s.Sensors[0], 5), new World(s));

    [Fact]
    public void Tf_series_frames_decode_to_the_sampled_distance()
    {
        var (sensor, world) = Make(
            With(
                new SensorSpec
                {
                    Name = "l",
                    Kind = SensorKind.Lidar,
                    Protocol = SimProtocol.TfSeries,
                    RateHz = 100,
                }
            )
        );
        var decoder = new TfSeriesDecoder(TfVariant.Tf03);
        var buf = new byte[SimSensor.MaxFrameBytes];
        for (var i = 0; i < 50; i++)
        {
            var s = sensor.Sample(world);
            ReadOnlySpan<byte> input = buf.AsSpan(0, sensor.Encode(s, buf));
            Assert.True(decoder.TryRead(ref input, out var f));
            Assert.Equal(s.DistanceM, f.DistanceM, 0.005f);
            Assert.Equal((ushort)s.Strength, f.Strength);
        }
        Assert.Equal(0, decoder.Counters.TotalRejects);
    }

    [Fact]
    public void Ti_mmwave_packets_decode_to_the_nearest_point()
    {
        var (sensor, world) = Make(
            With(
                new SensorSpec
                {
                    Name = "r",
                    Kind = SensorKind.Radar,
                    Protocol = SimProtocol.TiMmwave,
                    RateHz = 20,
                    ClutterPoints = 0,
                },
                30,
                60
            )
        );
        var decoder = new TiMmwaveDecoder();
        var buf = new byte[SimSensor.MaxFrameBytes];
        var s = sensor.Sample(world);
        ReadOnlySpan<byte> input = buf.AsSpan(0, sensor.Encode(s, buf));
        Assert.True(decoder.TryRead(ref input, out var f));
        Assert.True(f.HasTarget);
        Assert.Equal(s.Points[0].RangeM, f.NearestRangeM, 0.01f);
        Assert.Equal(s.Points[0].Level, f.NearestSnrDb, 0.1f);
        Assert.Equal(0f, f.ClosingSpeedMps, 0.5f);
    }

    [Fact]
    public void Json_lines_decode_for_every_kind()
    {
        var decoder = new JsonLineDecoder();
        var buf = new byte[SimSensor.MaxFrameBytes];
        foreach (var kind in new[] { SensorKind.Lidar, SensorKind.Radar, SensorKind.Camera })
        {
            var (sensor, world) = Make(
                With(
                    new SensorSpec
                    {
                        Name = "j",
                        Kind = kind,
                        RateHz = 10,
                    },
                    1000,
                    50,
                    12
                )
            );
            var s = sensor.Sample(world);
            ReadOnlySpan<byte> input = buf.AsSpan(0, sensor.Encode(s, buf));
            Assert.True(decoder.TryRead(ref input, out var f));
            Assert.Equal(kind, f.Kind);
            switch (kind)
            {
                case SensorKind.Lidar:
                    Assert.Equal(s.DistanceM, f.DistanceM);
                    break;
                case SensorKind.Radar:
                    Assert.Equal(s.NearestRangeM, f.RangeM);
                    Assert.Equal(12f, f.ClosingSpeedMps, 0.5f);
                    break;
                default:
                    Assert.Equal(s.VisibilityNormalised, f.Visibility, 0.001f);
                    break;
            }
        }
        Assert.Equal(0, decoder.Counters.TotalRejects);
    }

    [Fact]
    public void Ld06_and_ops243_decode()
    {
        var buf = new byte[SimSensor.MaxFrameBytes];
        var (ld, w1) = Make(
            With(
                new SensorSpec
                {
                    Name = "l",
                    Kind = SensorKind.Lidar,
                    Protocol = SimProtocol.Ld06,
                    RateHz = 375,
                },
                5000,
                5
            )
        );
        var ldDecoder = new Ld06Decoder();
        for (var i = 0; i < 40; i++)
        {
            ReadOnlySpan<byte> input = buf.AsSpan(0, ld.Encode(ld.Sample(w1), buf));
            Assert.True(ldDecoder.TryRead(ref input, out _));
        }
        Assert.Equal(0, ldDecoder.Counters.TotalRejects);

        var (ops, w2) = Make(
            With(
                new SensorSpec
                {
                    Name = "o",
                    Kind = SensorKind.Radar,
                    Protocol = SimProtocol.Ops243,
                    RateHz = 10,
                },
                100,
                40,
                8
            )
        );
        var opsDecoder = new Ops243Decoder();
        var s = ops.Sample(w2);
        ReadOnlySpan<byte> text = buf.AsSpan(0, ops.Encode(s, buf));
        Assert.True(opsDecoder.TryRead(ref text, out var range));
        Assert.True(range.HasRange);
        Assert.Equal(s.NearestRangeM, range.RangeM, 0.01f);
        Assert.True(opsDecoder.TryRead(ref text, out var speed));
        Assert.Equal(s.NearestClosingSpeedMps, speed.ClosingSpeedMps, 0.01f);
    }

    [Fact]
    public void Faults_scenario_breaks_the_streams_as_described()
    {
        var scenario = Scenario.BuiltIn("faults");
        var buf = new byte[SimSensor.MaxFrameBytes];

        // LiDAR: bad checksums in 10–15 s are rejected, dropouts in 20–25 s send nothing, silent in 45–55 s.
        var lidar = new SimSensor(scenario.Sensor("lidar"), scenario.Seed);
        var world = new World(scenario);
        var decoder = new TfSeriesDecoder(TfVariant.Tf03);
        long silentBytes = 0,
            dropouts = 0;
        for (var k = 0; k < 6000; k++)
        {
            world.AdvanceTo(k / 100.0);
            var s = lidar.Sample(world);
            var n = lidar.Encode(s, buf);
            if (s.Fault is FaultType.Dropout)
            {
                dropouts++;
                Assert.Equal(0, n);
            }
            if (world.TimeS is >= 45 and < 55)
                silentBytes += n;
            ReadOnlySpan<byte> input = buf.AsSpan(0, n);
            while (decoder.TryRead(ref input, out _)) { }
        }
        Assert.Equal(0, silentBytes);
        Assert.InRange(dropouts, 150, 350);
        Assert.True(decoder.Counters.Rejects(RejectReason.BadChecksum) > 50);
        Assert.True(decoder.Counters.Rejects(RejectReason.BadHeader) > 0);

        // Radar: stuck in 25–35 s repeats one frame byte for byte.
        var radar = new SimSensor(scenario.Sensor("radar"), scenario.Seed);
        byte[]? stuck = null;
        for (var k = 0; k < 1200; k++)
        {
            world.AdvanceTo(k / 20.0);
            var s = radar.Sample(world);
            var bytes = buf.AsSpan(0, radar.Encode(s, buf)).ToArray();
            if (world.TimeS is >= 25 and < 35)
            {
                Assert.Equal(FaultType.Stuck, s.Fault);
                stuck ??= bytes;
                Assert.Equal(stuck, bytes);
            }
        }
        Assert.NotNull(stuck);
    }

    [Fact]
    public void Same_seed_gives_identical_bytes_for_every_built_in_sensor()
    {
        var a = new byte[SimSensor.MaxFrameBytes];
        var b = new byte[SimSensor.MaxFrameBytes];
        foreach (var name in Scenario.BuiltInNames)
        {
            var scenario = Scenario.BuiltIn(name);
            foreach (var spec in scenario.Sensors)
            {
                var (s1, s2) = (new SimSensor(spec, scenario.Seed), new SimSensor(spec, scenario.Seed));
                var (w1, w2) = (new World(scenario), new World(scenario));
                for (var k = 0; k < 300; k++)
                {
                    var t = k * scenario.DurationS / 300;
                    w1.AdvanceTo(t);
                    w2.AdvanceTo(t);
                    var n1 = s1.Encode(s1.Sample(w1), a);
                    var n2 = s2.Encode(s2.Sample(w2), b);
                    Assert.True(a.AsSpan(0, n1).SequenceEqual(b.AsSpan(0, n2)), $"{name}/{spec.Name} frame {k}");
                }
            }
        }
    }

    [Fact]
    public void Fault_windows_do_not_change_the_physics_stream()
    {
        var spec = new SensorSpec
        {
            Name = "l",
            Kind = SensorKind.Lidar,
            RateHz = 100,
        };
        var faulty = spec with
        {
            Faults =
            [
                new FaultWindow
                {
                    Type = FaultType.Garbage,
                    FromS = 0,
                    ToS = 100,
                    Probability = 0.5,
                },
            ],
        };
        var scenario = With(spec, 300, 50);
        var (clean, dirty) = (new SimSensor(spec, 9), new SimSensor(faulty, 9));
        var world = new World(scenario);
        for (var i = 0; i < 100; i++)
        {
            var x = clean.Sample(world);
            var y = dirty.Sample(world);
            Assert.Equal(x.DistanceM, y.DistanceM);
            Assert.Equal(x.Strength, y.Strength);
        }
    }
}
