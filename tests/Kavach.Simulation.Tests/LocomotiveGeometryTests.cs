using Kavach.Protocols;
using Xunit;

namespace Kavach.Simulation.Tests;

/// <summary>The train's motion and what a forward sensor on its cab sees: track geometry, the LiDAR's beam, radar Doppler.</summary>
public sealed class LocomotiveGeometryTests
{
    private static Scenario Loco(
        IReadOnlyList<TrackSegment> track,
        IReadOnlyList<TrackObject> objects,
        double speedKmh = 60,
        double visibilityM = 20_000,
        double beamDeg = 0.5,
        IReadOnlyList<SpeedKeyframe>? profile = null
    ) =>
        new Scenario
        {
            Name = "loco",
            Platform = Platform.Locomotive,
            DurationS = 60,
            Train = new TrainMotion
            {
                SpeedProfile = profile ?? [new SpeedKeyframe(0, speedKmh)],
                Track = track,
                Start = new TrainStart
                {
                    LatitudeDeg = 28,
                    LongitudeDeg = 77,
                    CourseDeg = 0,
                },
            },
            Objects = objects,
            Sensors =
            [
                new SensorSpec
                {
                    Name = "lidar",
                    Kind = SensorKind.Lidar,
                    Protocol = SimProtocol.TfSeries,
                    Variant = SensorVariant.Tf03Long,
                    RateHz = 100,
                    Noise = 0,
                    RangeNoiseM = 0,
                    Backscatter = 0,
                    BeamDeg = beamDeg,
                },
                new SensorSpec
                {
                    Name = "radar",
                    Kind = SensorKind.Radar,
                    Protocol = SimProtocol.TiMmwave,
                    RateHz = 20,
                    Noise = 0,
                    ClutterPoints = 0,
                },
            ],
            Timeline = [new Keyframe { TimeS = 0, VisibilityM = visibilityM }],
        }.Validate();

    private static IReadOnlyList<TrackObject> Row(double lateralM, double fromM, double toM, double everyM, double widthM = 0.3) =>
        [
            .. Enumerable
                .Range(0, (int)((toM - fromM) / everyM) + 1)
                .Select(i => new TrackObject
                {
                    Name = "mast",
                    AtM = fromM + i * everyM,
                    LateralM = lateralM,
                    WidthM = widthM,
                    Reflectivity = 0.9,
                    RcsDbsm = 8,
                }),
        ];

    [Theory]
    [InlineData(600, "right", 50)]
    [InlineData(600, "left", 100)]
    [InlineData(1000, "right", 150)]
    public void A_curve_leaves_its_tangent_by_the_sagitta_x_squared_over_2R(double radiusM, string direction, double x)
    {
        var dir = direction == "right" ? CurveDirection.Right : CurveDirection.Left;
        var g = new TrackGeometry([new TrackSegment(2000, radiusM, dir)], startCourseDeg: 0);
        var p = g.At(x);
        // the tangent at the start runs north; the centre line bends east (right) or west (left)
        var expected = x * x / (2 * radiusM);
        Assert.Equal(dir == CurveDirection.Right ? expected : -expected, p.X, expected * 0.01);
        Assert.Equal(x * 180 / Math.PI / radiusM, Math.Abs(p.CourseDeg > 180 ? p.CourseDeg - 360 : p.CourseDeg), 1e-9);
    }

    [Fact]
    public void A_straight_after_a_curve_keeps_the_curves_final_heading()
    {
        var quarter = Math.PI * 600 / 2; // a quarter circle of 600 m turns north into east
        var g = new TrackGeometry([new TrackSegment(quarter, 600, CurveDirection.Right), new TrackSegment(500)], startCourseDeg: 0);
        var end = g.At(quarter);
        Assert.Equal(600, end.X, 1e-6);
        Assert.Equal(600, end.Y, 1e-6);
        Assert.Equal(90, end.CourseDeg, 1e-9);
        var later = g.At(quarter + 1000); // beyond the last segment: straight on
        Assert.Equal(1600, later.X, 1e-6);
        Assert.Equal(600, later.Y, 1e-6);
    }

    [Fact]
    public void The_train_runs_the_integral_of_its_speed_profile()
    {
        SpeedKeyframe[] p = [new(10, 36), new(20, 72)]; // 10 m/s held to 10 s, then up to 20 m/s at 20 s, then held
        Assert.Equal(10, SpeedProfile.SpeedMps(p, 5), 9);
        Assert.Equal(15, SpeedProfile.SpeedMps(p, 15), 9);
        Assert.Equal(20, SpeedProfile.SpeedMps(p, 99), 9);
        Assert.Equal(100, SpeedProfile.DistanceM(p, 10), 9);
        Assert.Equal(100 + 62.5, SpeedProfile.DistanceM(p, 15), 9);
        Assert.Equal(250 + 200, SpeedProfile.DistanceM(p, 30), 9);
    }

    [Fact]
    public void A_mast_3_5_m_outside_a_600_m_curve_is_where_a_thin_beam_meets_the_outside_row()
    {
        // sqrt(2 · 600 · 3.5) = 64.8 m; thin posts every 10 cm on the outside (left of a right-hand curve)
        var s = Loco([new TrackSegment(1000, 600, CurveDirection.Right)], Row(-3.5, 40, 100, 0.1, widthM: 0.02), beamDeg: 0.01);
        var lidar = new SimSensor(s.Sensor("lidar"), 1);
        var x = lidar.Sample(new World(s));
        Assert.True(x.HasReturn);
        Assert.Equal(Math.Sqrt(2 * 600 * 3.5), x.DistanceM, 1.0);
    }

    [Fact]
    public void A_tf03_beam_on_a_600_m_curve_meets_the_outside_masts_at_about_65_m_and_never_the_inside_ones()
    {
        // masts every 5 m: the beam's window on the outside row (61-69 m) always holds one
        var outside = Loco([new TrackSegment(1000, 600, CurveDirection.Right)], Row(-3.5, 5, 800, 5));
        var inside = Loco([new TrackSegment(1000, 600, CurveDirection.Right)], Row(3.5, 5, 800, 5));
        var world = new World(outside);
        var lidar = new SimSensor(outside.Sensor("lidar"), 1);
        for (var t = 0.0; t < 10; t += 0.5)
        {
            world.AdvanceTo(t);
            var x = lidar.Sample(world);
            Assert.True(x.HasReturn, $"t={t}");
            Assert.InRange(x.DistanceM, 60, 70); // the 0.5° beam is 0.57 m wide at 65 m: it meets the row from about 61 m
            Assert.False(world.ObstaclePresent); // ground truth: nothing on the track
        }
        var none = new SimSensor(inside.Sensor("lidar"), 1).Sample(new World(inside));
        Assert.False(none.HasReturn);
    }

    [Fact]
    public void On_a_straight_the_beam_passes_masts_beside_the_track()
    {
        var s = Loco([], Row(-3.5, 10, 1000, 10));
        Assert.False(new SimSensor(s.Sensor("lidar"), 1).Sample(new World(s)).HasReturn);
    }

    [Fact]
    public void Radar_closing_speed_of_a_static_object_is_the_trains_speed_times_cos_bearing()
    {
        var s = Loco([], [.. Row(-3.5, 20, 200, 30), new TrackObject { AtM = 150, RcsDbsm = 10 }], speedKmh: 75);
        var world = new World(s);
        world.AdvanceTo(1);
        var x = new SimSensor(s.Sensor("radar"), 3).Sample(world);
        var v = 75 / 3.6;
        Assert.True(x.PointCount >= 5);
        foreach (var p in x.Points)
            Assert.Equal(v * Math.Cos(p.AzimuthDeg * Math.PI / 180), p.ClosingSpeedMps, 0.5);
        var ahead = Assert.Single(x.Points.ToArray(), p => Math.Abs(p.AzimuthDeg) < 0.5);
        Assert.Equal(150 - v, ahead.RangeM, 0.5);
        Assert.Equal(v, ahead.ClosingSpeedMps, 0.5); // dead ahead: the train's own speed
    }

    [Fact]
    public void Radar_closing_speed_of_a_moving_object_is_the_relative_speed()
    {
        // a trolley running ahead at 5 m/s the same way; a vehicle coming towards the train at 8 m/s
        var away = Loco(
            [],
            [
                new TrackObject
                {
                    AtM = 100,
                    SpeedMps = 5,
                    RcsDbsm = 10,
                },
            ],
            speedKmh: 72
        );
        var towards = Loco(
            [],
            [
                new TrackObject
                {
                    AtM = 200,
                    SpeedMps = -8,
                    RcsDbsm = 10,
                },
            ],
            speedKmh: 72
        );
        var a = new SimSensor(away.Sensor("radar"), 1).Sample(new World(away));
        var b = new SimSensor(towards.Sensor("radar"), 1).Sample(new World(towards));
        Assert.Equal(20 - 5, a.NearestClosingSpeedMps, 0.5);
        Assert.Equal(20 + 8, b.NearestClosingSpeedMps, 0.5);
        var w = new World(away);
        w.AdvanceTo(4); // trolley at 120 m, cab at 80 m
        Assert.True(w.ObstaclePresent);
        Assert.Equal(40, w.ObstacleRangeM, 1e-9);
        Assert.Equal(15, w.ObstacleClosingSpeedMps, 1e-9);
    }
}
