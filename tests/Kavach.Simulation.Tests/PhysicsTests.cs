using Kavach.Protocols;
using Xunit;

namespace Kavach.Simulation.Tests;

public sealed class PhysicsTests
{
    private static Scenario OneLidar(
        double visibilityM,
        double? obstacleM,
        double? backgroundM = null,
        double noise = 0,
        double backscatter = 0,
        SensorVariant variant = SensorVariant.Tf03
    ) =>
        new Scenario
        {
            Name = "t",
            DurationS = 10,
            Obstacle = new ObstacleProperties { Reflectivity = 1 },
            Background = backgroundM is { } b ? new BackgroundTarget { RangeM = b } : null,
            Sensors =
            [
                new SensorSpec
                {
                    Name = "lidar",
                    Kind = SensorKind.Lidar,
                    Protocol = SimProtocol.TfSeries,
                    Variant = variant,
                    RateHz = 100,
                    Noise = noise,
                    RangeNoiseM = 0,
                    Backscatter = backscatter,
                },
                new SensorSpec
                {
                    Name = "radar",
                    Kind = SensorKind.Radar,
                    Protocol = SimProtocol.TiMmwave,
                    RateHz = 20,
                },
            ],
            Timeline =
            [
                new Keyframe
                {
                    TimeS = 0,
                    VisibilityM = visibilityM,
                    Obstacle = obstacleM is { } o ? new ObstacleKeyframe { RangeM = o } : null,
                },
            ],
        }.Validate();

    private static SimSample SampleOnce(Scenario s, string sensor = "lidar")
    {
        var world = new World(s);
        return new SimSensor(s.Sensor(sensor), s.Seed).Sample(world);
    }

    [Fact]
    public void Koschmieder_extinction_from_visibility()
    {
        Assert.Equal(3.912 / 500, Fog.ExtinctionPerM(500), 12);
        Assert.Equal(500, Fog.VisibilityM(Fog.ExtinctionPerM(500)), 9);
    }

    [Fact]
    public void Tf03_reads_about_2000_for_a_unit_target_at_60_m_in_clear_air()
    {
        var s = SampleOnce(OneLidar(1e9, 60));
        Assert.True(s.HasReturn);
        Assert.Equal(60f, s.DistanceM, 2);
        Assert.InRange(s.Strength, 1990, 2010);
    }

    [Fact]
    public void Strength_in_500_m_fog_is_the_two_way_beer_lambert_fraction_of_clear_air()
    {
        var clear = SampleOnce(OneLidar(1e9, 60)).Strength;
        var fog = SampleOnce(OneLidar(500, 60)).Strength;
        var expected = Math.Exp(-2 * (3.912 / 500) * 60);
        Assert.Equal(expected, fog / clear, 2);
    }

    [Theory]
    [InlineData(SensorVariant.Tf03, 18000)]
    [InlineData(SensorVariant.TfminiS, 0xFFFF)]
    [InlineData(SensorVariant.TfminiPlus, 0)]
    [InlineData(SensorVariant.Tf02Pro, 4500)]
    public void Dense_fog_gives_a_well_formed_no_return_frame_in_the_variants_convention(SensorVariant variant, int sentinelCm)
    {
        var range = variant == SensorVariant.Tf03 ? 60 : 8;
        var scenario = OneLidar(10, range, variant: variant);
        var world = new World(scenario);
        var sensor = new SimSensor(scenario.Sensor("lidar"), 1);
        var s = sensor.Sample(world);
        Assert.False(s.HasReturn);
        Assert.True(s.Strength < sensor.Model.Threshold);

        var bytes = new byte[SimSensor.MaxFrameBytes];
        var n = sensor.Encode(s, bytes);
        Assert.Equal(9, n);
        Assert.Equal(0x59, bytes[0]);
        Assert.Equal(sentinelCm, bytes[2] | bytes[3] << 8);
        Assert.Equal(TfSeriesEncoder.Checksum(bytes.AsSpan(0, 8)), bytes[8]);
        Assert.True(TfSeriesDecoder.IsNoReturn(ToTf(variant), (ushort)sentinelCm, (ushort)(bytes[4] | bytes[5] << 8)));
    }

    [Fact]
    public void Lidar_sees_the_nearest_of_obstacle_and_background()
    {
        Assert.Equal(30f, SampleOnce(OneLidar(1e9, 30, backgroundM: 80)).DistanceM, 2);
        Assert.Equal(80f, SampleOnce(OneLidar(1e9, 90, backgroundM: 80)).DistanceM, 2);
        Assert.Equal(80f, SampleOnce(OneLidar(1e9, null, backgroundM: 80)).DistanceM, 2);
        Assert.False(SampleOnce(OneLidar(1e9, null)).HasReturn);
    }

    [Fact]
    public void Radar_is_unaffected_by_fog()
    {
        var clear = SampleOnce(OneLidar(1e9, 120, backgroundM: 95), "radar");
        var fog = SampleOnce(OneLidar(30, 120, backgroundM: 95), "radar");
        Assert.True(fog.HasTarget);
        Assert.Equal(clear.PointCount, fog.PointCount);
        Assert.Equal(clear.Points.ToArray(), fog.Points.ToArray());
        Assert.Equal(clear.NearestRangeM, fog.NearestRangeM);
    }

    [Fact]
    public void Radar_snr_falls_with_the_fourth_power_of_range()
    {
        Assert.Equal(-12.04, RadarModel.SnrDb(0, 0, 200) - RadarModel.SnrDb(0, 0, 100), 2);
    }

    [Fact]
    public void Radar_reports_an_approaching_obstacle_beyond_a_static_background()
    {
        var scenario = new Scenario
        {
            Name = "r",
            DurationS = 20,
            Background = new BackgroundTarget { RangeM = 95 },
            Sensors =
            [
                new SensorSpec
                {
                    Name = "radar",
                    Kind = SensorKind.Radar,
                    Protocol = SimProtocol.TiMmwave,
                    RateHz = 20,
                },
            ],
            Timeline =
            [
                new Keyframe
                {
                    TimeS = 0,
                    VisibilityM = 50,
                    Obstacle = new ObstacleKeyframe { RangeM = 200 },
                },
                new Keyframe
                {
                    TimeS = 10,
                    VisibilityM = 50,
                    Obstacle = new ObstacleKeyframe { RangeM = 50 },
                },
            ],
        }.Validate();
        var world = new World(scenario);
        var radar = new SimSensor(scenario.Sensors[0], 3);
        var seen = 0;
        for (var i = 0; i < 20; i++)
        {
            world.AdvanceTo(1 + i * 0.05);
            var s = radar.Sample(world);
            if (s.HasTarget && Math.Abs(s.NearestRangeM - world.ObstacleRangeM) < 1)
            {
                seen++;
                Assert.Equal(15f, s.NearestClosingSpeedMps, 0.5f);
            }
        }
        Assert.True(seen >= 15, $"obstacle reported in {seen}/20 frames");
    }

    [Fact]
    public void Backscatter_appears_only_in_fog_is_weak_near_and_does_not_persist()
    {
        int Count(double visibilityM, out bool allWeakAndNear, out bool consecutive)
        {
            var scenario = OneLidar(visibilityM, null, noise: 0.08, backscatter: 1);
            var world = new World(scenario);
            var sensor = new SimSensor(scenario.Sensor("lidar"), 7);
            var n = 0;
            allWeakAndNear = true;
            consecutive = false;
            var last = false;
            for (var i = 0; i < 5000; i++)
            {
                var s = sensor.Sample(world);
                if (s.IsBackscatter)
                {
                    n++;
                    allWeakAndNear &= s.HasReturn && s.DistanceM is >= 1 and <= 8 && s.Strength <= 2 * sensor.Model.Threshold;
                    consecutive |= last;
                }
                else
                {
                    Assert.False(s.HasReturn);
                }
                last = s.IsBackscatter;
            }
            return n;
        }

        Assert.Equal(0, Count(5000, out _, out _));
        var dense = Count(50, out var weakAndNear, out var consecutive);
        Assert.InRange(dense, 300, 1500);
        Assert.True(weakAndNear);
        Assert.False(consecutive);
    }

    [Fact]
    public void Camera_reports_visibility_with_noise_and_normalises_by_2000_m()
    {
        var scenario = new Scenario
        {
            Name = "c",
            DurationS = 1,
            Sensors =
            [
                new SensorSpec
                {
                    Name = "camera",
                    Kind = SensorKind.Camera,
                    RateHz = 1,
                },
            ],
            Timeline = [new Keyframe { TimeS = 0, VisibilityM = 500 }],
        }.Validate();
        var world = new World(scenario);
        var camera = new SimSensor(scenario.Sensors[0], 1);
        var sum = 0.0;
        for (var i = 0; i < 200; i++)
        {
            var s = camera.Sample(world);
            sum += s.VisibilityM;
            Assert.Equal(Math.Clamp(s.VisibilityM / 2000f, 0, 1), s.VisibilityNormalised, 5);
        }
        Assert.InRange(sum / 200, 470, 530);
    }

    [Fact]
    public void World_interpolates_visibility_and_moves_the_obstacle()
    {
        var w = new World(Scenario.BuiltIn("demo"));
        w.AdvanceTo(4);
        Assert.Equal(5000, w.VisibilityM, 6);
        Assert.False(w.ObstaclePresent);
        w.AdvanceTo(26.25);
        Assert.Equal(80, w.VisibilityM, 6);
        Assert.True(w.ObstaclePresent);
        Assert.Equal(15, w.ObstacleClosingSpeedMps, 6);
        Assert.Equal(235 - 15 * 5.25, w.ObstacleRangeM, 6);
        w.AdvanceTo(34);
        Assert.Equal(62.5, w.ObstacleRangeM, 6);
        Assert.Equal(0, w.ObstacleClosingSpeedMps, 6);
        w.AdvanceTo(39.5);
        Assert.Equal(-15, w.ObstacleClosingSpeedMps, 6);
        Assert.Equal(130, w.ObstacleRangeM, 6);
        w.AdvanceTo(47);
        Assert.False(w.ObstaclePresent);
        Assert.Equal(5000, w.VisibilityM, 6);
        w.AdvanceTo(10); // backwards is allowed: the state is a function of time
        Assert.Equal(5000 - 4000 * 2 / 6.0, w.VisibilityM, 6);
    }

    private static TfVariant ToTf(SensorVariant v) =>
        v switch
        {
            SensorVariant.TfminiS => TfVariant.TfminiS,
            SensorVariant.TfminiPlus => TfVariant.TfminiPlus,
            SensorVariant.Tf02Pro => TfVariant.Tf02Pro,
            SensorVariant.TfLuna => TfVariant.TfLuna,
            _ => TfVariant.Tf03,
        };
}
