using Kavach.Edge.Assessment;
using Kavach.Edge.Configuration;
using Kavach.Edge.Fusion;
using Kavach.Edge.Locomotive;
using Kavach.Edge.Tests.Support;
using Kavach.Protocols;
using Microsoft.Extensions.Time.Testing;

namespace Kavach.Edge.Tests.Locomotive;

/// <summary>
/// The cab's floor on hand-built fusion snapshots: the default train (S(30 km/h) 169 m, S(40 km/h) 273 m, margin 50 m;
/// docs/locomotive.md), a LiDAR of 180 m reach, a radar and a camera, on a fake clock.
/// </summary>
public sealed class LocomotiveFloorTests
{
    private const int Lidar = 0,
        Radar = 1,
        Camera = 2;
    private readonly FakeTimeProvider _time = new();
    private readonly LocomotiveFloor _floor;

    public LocomotiveFloorTests()
    {
        var o = TestConfig.Valid(overrides: new Dictionary<string, string?> { ["Sensors:0:MaxRangeM"] = "180" });
        o.Train.Class = "loaded passenger (defaults)"; // the section's defaults, as a locomotive unit would read them
        _floor = new LocomotiveFloor(o, _time, _ => throw new InvalidOperationException("the tests pass the motion"));
    }

    private static OwnMotion Running(double kmh, double headingRateDegPerS = 0) =>
        new(kmh / 3.6, 90, headingRateDegPerS, SpeedTrust.Trusted);

    private static FusionSnapshot Scene(
        float visibilityM = 5000,
        float? radarM = null,
        float radarClosing = 0,
        float? lidarTrackM = null,
        float lidarClosing = 0,
        float? lidarClusterM = null,
        float radarLateralM = 0
    )
    {
        var s = new SensorFeatures[3];
        s[Lidar].Clear(Lidar, SensorKind.Lidar);
        s[Radar].Clear(Radar, SensorKind.Radar);
        s[Camera].Clear(Camera, SensorKind.Camera);
        foreach (ref var f in s.AsSpan())
        {
            f.EverSeen = true;
            f.Frames = 10;
            f.AgeS = 0.05f;
            f.LiveForS = 10;
        }
        s[Camera].VisibilityM = visibilityM;
        if (radarM is { } r)
        {
            s[Radar].RangeM = r;
            s[Radar].ClosingSpeedMps = radarClosing;
            s[Radar].ValidRatio = 1;
            s[Radar].SnrDb = 20;
            s[Radar].LateralM = radarLateralM;
        }
        if (lidarTrackM is { } t)
        {
            s[Lidar].TrackRangeM = t;
            s[Lidar].TrackClosingSpeedMps = lidarClosing;
            s[Lidar].TrackPersistence = 0.9f;
            s[Lidar].ValidRatio = 0.9f;
        }
        if (lidarClusterM is { } c)
        {
            s[Lidar].NearClusterRangeM = c;
            s[Lidar].NearClusterPersistence = 0.9f;
            s[Lidar].ValidRatio = 0.9f;
        }
        return new FusionSnapshot(0, s) { AllRequiredSeen = true };
    }

    [Fact]
    public void A_stalled_vehicle_inside_the_stopping_distance_plus_margin_is_high_and_the_reason_names_both_distances()
    {
        var a = _floor.Judge(Scene(radarM: 310, radarClosing: 40 / 3.6f), Running(40));
        Assert.Equal(RiskLevel.High, a.Level);
        Assert.Equal(ObstacleSource.Radar, a.ObstacleSource);
        Assert.Equal(310, a.ObstacleRangeM, 3);
        Assert.Contains("obstacle 310 m ahead on the track (radar), within the stopping distance 273 m + 50 m at 40 km/h", a.Reasons);
        Assert.Equal(40, a.Cab!.OwnSpeedKmh, 6);
    }

    [Fact]
    public void The_same_vehicle_beyond_the_stopping_distance_at_a_lower_speed_is_medium()
    {
        var a = _floor.Judge(Scene(radarM: 310, radarClosing: 30 / 3.6f), Running(30));
        Assert.Equal(RiskLevel.Medium, a.Level);
        Assert.Contains("obstacle 310 m ahead on the track (radar), beyond the stopping distance 169 m + 50 m at 30 km/h", a.Reasons);
    }

    [Fact]
    public void Radar_and_lidar_on_the_same_object_are_named_together()
    {
        var a = _floor.Judge(Scene(radarM: 150, radarClosing: 11.1f, lidarTrackM: 151, lidarClosing: 11.1f), Running(40));
        Assert.Equal(RiskLevel.High, a.Level);
        Assert.Equal(ObstacleSource.Radar | ObstacleSource.Lidar, a.ObstacleSource);
    }

    [Fact]
    public void On_a_600_m_curve_a_mast_straight_ahead_at_100_m_is_beside_the_track_and_the_reduced_coverage_is_stated()
    {
        // 20 m/s on R 600 m: ω = v/R = 1.91 °/s. Straight ahead at 100 m the track is 100²/1200 = 8.3 m to the side.
        var rate = 20.0 / 600 * 180 / Math.PI;
        var a = _floor.Judge(Scene(lidarTrackM: 100, lidarClosing: 20), Running(72, rate));
        Assert.Equal(RiskLevel.Low, a.Level);
        Assert.Equal(ObstacleSource.None, a.ObstacleSource);
        Assert.Equal(600, a.Cab!.RadiusM, 6);
        Assert.Equal(Math.Sqrt(2 * 600 * 2.0), a.Cab.CoveredM, 6); // 49 m with the default half-width 2.0 m
        Assert.Contains("curve R 600 m: the sensors cover 49 m of the track ahead", a.Reasons);
    }

    [Fact]
    public void On_the_same_curve_a_return_inside_the_covered_length_is_still_an_obstacle()
    {
        var rate = 20.0 / 600 * 180 / Math.PI;
        var a = _floor.Judge(Scene(lidarTrackM: 30, lidarClosing: 20), Running(72, rate)); // 0.75 m off the centre line
        Assert.Equal(RiskLevel.High, a.Level);
        Assert.Equal(ObstacleSource.Lidar, a.ObstacleSource);
    }

    [Fact]
    public void Without_a_trustworthy_speed_every_return_on_the_track_is_high_and_the_degradation_is_named()
    {
        var lost = new OwnMotion(double.NaN, double.NaN, double.NaN, SpeedTrust.NoFix);
        var a = _floor.Judge(Scene(lidarTrackM: 175, lidarClosing: 11), lost);
        Assert.Equal(RiskLevel.High, a.Level);
        Assert.Contains("obstacle 175 m ahead on the track (lidar), own speed unknown: taken as inside the stopping distance", a.Reasons);
        Assert.Contains("own speed unknown (gnss: no-fix): every return on the track is HIGH", a.Reasons);
        Assert.True(double.IsNaN(a.Cab!.OwnSpeedKmh));
        Assert.Equal(SpeedTrust.NoFix, a.Cab.SpeedTrust);
    }

    [Fact]
    public void Running_over_the_stop_within_sight_speed_in_fog_is_medium_after_the_confirm_time_and_clears_below_it()
    {
        // visibility 200 m, LiDAR reach 180 m: D = 180 m, stop-within-sight speed 31 km/h (the table in docs/locomotive.md)
        var fog = Scene(visibilityM: 200);
        var a = _floor.Judge(fog, Running(60));
        Assert.Equal(RiskLevel.Low, a.Level);
        Assert.Equal(31, a.Cab!.SightSpeedKmh);
        Assert.True(a.Cab.Sight.LimitedByReach);
        _time.Advance(TimeSpan.FromMilliseconds(2000));
        a = _floor.Judge(fog, Running(60));
        Assert.Equal(RiskLevel.Medium, a.Level);
        Assert.True(a.Cab!.OverSpeed);
        Assert.Contains(
            "running 60 km/h, above 31 km/h, the speed that stops within 180 m (limited by sensor reach 180 m; visibility 200 m)",
            a.Reasons
        );

        _floor.Judge(fog, Running(25)); // 6 km/h under: clears once it has held for the confirm time
        _time.Advance(TimeSpan.FromMilliseconds(2000));
        a = _floor.Judge(fog, Running(25));
        Assert.Equal(RiskLevel.Low, a.Level);
        Assert.False(a.Cab!.OverSpeed);
    }

    [Fact]
    public void Fast_running_in_clear_air_is_not_over_speed()
    {
        var clear = Scene(visibilityM: 5000);
        _floor.Judge(clear, Running(110));
        _time.Advance(TimeSpan.FromSeconds(5));
        var a = _floor.Judge(clear, Running(110));
        Assert.Equal(RiskLevel.Low, a.Level);
        Assert.Empty(a.Reasons);
    }

    [Fact]
    public void A_near_lidar_only_return_in_fog_is_backscatter_but_the_same_return_in_clear_air_is_an_obstacle()
    {
        var fog = _floor.Judge(Scene(visibilityM: 150, lidarClusterM: 8), Running(20));
        Assert.True(fog.BackscatterSeen);
        Assert.Equal(ObstacleSource.None, fog.ObstacleSource);

        var clear = _floor.Judge(Scene(visibilityM: 5000, lidarClusterM: 8), Running(20));
        Assert.Equal(RiskLevel.High, clear.Level);
    }

    [Fact]
    public void A_stale_sensor_contributes_neither_an_obstacle_nor_its_reach()
    {
        var s = Scene(visibilityM: 200, lidarTrackM: 100, lidarClosing: 11);
        s.Sensors[Lidar].Stale = true;
        var a = _floor.Judge(s, Running(40));
        Assert.Equal(ObstacleSource.None, a.ObstacleSource);
        Assert.Equal(0, a.Cab!.Sight.ReachM); // the radar's reach is not configured: nothing protects the train
        Assert.Equal(0, a.Cab.SightSpeedKmh);
    }

    [Fact]
    public void A_radar_target_beside_the_line_is_not_an_obstacle_and_one_without_an_angle_needs_a_lidar_to_confirm_it()
    {
        // a mast 3.5 m left of the line, 30 m ahead: the radar's angle puts it outside the 2 m corridor
        Assert.Equal(RiskLevel.Low, _floor.Judge(Scene(radarM: 30.2f, radarClosing: 11.1f, radarLateralM: -3.5f), Running(40)).Level);

        // an OPS243 gives no angle: its 30 m target alone could be that mast
        var alone = _floor.Judge(Scene(radarM: 30.2f, radarClosing: 11.1f, radarLateralM: float.NaN), Running(40));
        Assert.Equal(ObstacleSource.None, alone.ObstacleSource);
        var confirmed = _floor.Judge(
            Scene(radarM: 150, radarClosing: 11.1f, radarLateralM: float.NaN, lidarTrackM: 151, lidarClosing: 11.1f),
            Running(40)
        );
        Assert.Equal(RiskLevel.High, confirmed.Level);
        Assert.Equal(ObstacleSource.Radar | ObstacleSource.Lidar, confirmed.ObstacleSource);
    }
}
