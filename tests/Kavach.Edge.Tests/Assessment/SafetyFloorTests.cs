using Kavach.Edge.Assessment;
using Kavach.Edge.Tests.Support;

namespace Kavach.Edge.Tests.Assessment;

/// <summary>
/// Table-driven physics cases through fusion → floor → risk state, on a fake clock. The post has a
/// TF03-like LiDAR commissioned at 2000 @ 60 m (floor 40), a radar, a reference reflector at 120 m.
/// </summary>
public class SafetyFloorTests
{
    private const float Ref = 120;

    private static PipelineHarness NewPost(Dictionary<string, string?>? extra = null)
    {
        var o = new Dictionary<string, string?>
        {
            ["Risk:ReferenceRangeM"] = "120",
            ["Sensors:0:MinStrength"] = "40",
            ["Sensors:0:MaxStrength"] = "3500",
        };
        if (extra is not null)
            foreach (var kv in extra)
                o[kv.Key] = kv.Value;
        return new PipelineHarness(TestConfig.Valid(overrides: o));
    }

    /// <summary>The LiDAR sees the reference through fog of visibility V; it reports no return below its floor.</summary>
    private static Action<PipelineHarness, int> Fog(double visibilityM, float? radarM = Ref, float closing = 0, float? cameraM = null)
    {
        var s = Physics.Strength(Ref, visibilityM);
        return PipelineHarness.World(s >= 40 ? Ref : null, s, radarM, closing, cameraM);
    }

    public static TheoryData<string, double, RiskLevel, double, double> FogCases =>
        new()
        {
            // name, true visibility, expected level, expected estimate lower bound, upper bound
            { "clear air 5 km", 5000, RiskLevel.Low, 1000, 10_000 },
            { "shallow fog 800 m", 800, RiskLevel.Low, 700, 900 },
            { "moderate fog 400 m", 400, RiskLevel.Medium, 360, 440 },
            { "dense fog 150 m: LiDAR loses the reflector, bound", 150, RiskLevel.Medium, 150, 400 },
        };

    [Theory]
    [MemberData(nameof(FogCases))]
    public void Visibility_from_two_way_attenuation_sets_the_level(
        string name,
        double visibilityM,
        RiskLevel expected,
        double lo,
        double hi
    )
    {
        var h = NewPost();
        var level = h.Run(3, Fog(visibilityM));
        Assert.True(expected == level, $"{name}: expected {expected}, got {level} ({string.Join("; ", h.Risk.Current.Reasons)})");
        var est = h.Risk.LastFloor!.VisibilityM;
        Assert.InRange(est, lo, hi);
        Assert.True(est >= visibilityM * 0.9, $"{name}: the estimate {est:0} m must not be far above the truth {visibilityM} m");
    }

    [Fact]
    public void Dense_fog_estimate_is_an_upper_bound_marked_as_such()
    {
        var h = NewPost();
        h.Run(2, Fog(100));
        var f = h.Risk.LastFloor!;
        Assert.True(f.VisibilityIsBound);
        Assert.Equal("lidar-bound", f.VisibilitySource);
        // ≤ 3.912·2R / ln(S0(R)/Smin) with S0(120) = 500, Smin = 40
        Assert.InRange(f.VisibilityM, 3.912 * 240 / Math.Log(500.0 / 40) - 1, 3.912 * 240 / Math.Log(500.0 / 40) + 1);
    }

    [Fact]
    public void Camera_visibility_counts_and_the_lowest_estimate_wins()
    {
        var h = NewPost();
        h.Run(2, Fog(5000, cameraM: 300));
        Assert.Equal(RiskLevel.Medium, h.Level);
        Assert.Equal("camera", h.Risk.LastFloor!.VisibilitySource);
        Assert.Equal(FogClass.Moderate, h.Risk.LastFloor!.FogClass);
    }

    [Fact]
    public void A_radar_target_beyond_the_lidars_reach_draws_no_visibility_bound()
    {
        // The radar sees the reflector at 120 m and the LiDAR returns nothing. With a 180 m LiDAR that silence
        // is fog (an upper bound on the visibility); a 40 m LiDAR (TF02-Pro class) could not return the reflector
        // in clear air either, so its silence says nothing about fog: no bound, no fog MEDIUM.
        var longReach = NewPost(new() { ["Sensors:0:MaxRangeM"] = "180" });
        longReach.Run(3, PipelineHarness.World(null, 0, Ref));
        Assert.Equal("lidar-bound", longReach.Risk.LastFloor!.VisibilitySource);
        Assert.Equal(RiskLevel.Medium, longReach.Level);

        var shortReach = NewPost(new() { ["Sensors:0:MaxRangeM"] = "40" });
        shortReach.Run(3, PipelineHarness.World(null, 0, Ref));
        var f = shortReach.Risk.LastFloor!;
        Assert.NotEqual("lidar-bound", f.VisibilitySource);
        Assert.False(f.VisibilityIsBound);
        Assert.Equal(RiskLevel.Low, shortReach.Level);
    }

    [Fact]
    public void A_lidar_that_sends_nothing_for_a_moment_is_not_read_as_fog()
    {
        // a stalled link (no frames at all, not yet stale) while the radar sees the reflector: no bound, still LOW;
        // the same LiDAR sending frames with no return is fog (the bound case above)
        var h = NewPost(new() { ["Sensors:0:MaxRangeM"] = "180" });
        Assert.Equal(RiskLevel.Low, h.Run(3, Fog(5000)));
        h.Run(1.5, (hh, t) => hh.Radar("radar", Ref + (t % 5) * 0.02f));
        Assert.NotEqual("lidar-bound", h.Risk.LastFloor!.VisibilitySource);
        Assert.Equal(RiskLevel.Low, h.Level);
    }

    [Fact]
    public void Stalled_car_in_the_zone_in_clear_air_is_high_after_confirmation()
    {
        var h = NewPost();
        h.Run(2, Fog(5000));
        Assert.Equal(RiskLevel.Low, h.Level);
        // a stalled car at 60 m: radar range 60, speed 0; LiDAR strong return at 60 m
        var car = PipelineHarness.World(60, 1900, 60, 0);
        h.Run(0.3, car);
        Assert.Equal(RiskLevel.Low, h.Level); // not yet confirmed (ConfirmMs 500; the window still fills)
        h.Run(1.5, car);
        Assert.Equal(RiskLevel.High, h.Level);
        Assert.Contains(h.Risk.Current.Reasons, r => r.Contains("in zone", StringComparison.Ordinal));
        Assert.Equal(ObstacleSource.Radar | ObstacleSource.Lidar, h.Risk.LastFloor!.ObstacleSource);
    }

    [Fact]
    public void Radar_alone_sees_the_obstacle_in_very_dense_fog_and_that_is_high()
    {
        var h = NewPost();
        // visibility 30 m: the LiDAR returns nothing; the radar sees an obstacle 100 m away closing at 10 m/s
        h.Run(3, PipelineHarness.World(null, 0, 100, 10));
        Assert.Equal(RiskLevel.High, h.Level);
        Assert.Equal(ObstacleSource.Radar, h.Risk.LastFloor!.ObstacleSource);
    }

    [Fact]
    public void Obstacle_approaching_beyond_the_zone_is_medium_and_fast_approach_is_high()
    {
        var h = NewPost();
        h.Run(2, PipelineHarness.World(Ref, 400, 300, 5)); // TTC 60 s, 30 s to the zone
        Assert.Equal(RiskLevel.Medium, h.Level);
        Assert.True(h.Risk.LastFloor!.Approaching);

        var fast = NewPost();
        fast.Run(2, PipelineHarness.World(Ref, 400, 220, 30)); // TTC 7.3 s < 8 s
        Assert.Equal(RiskLevel.High, fast.Level);
    }

    [Fact]
    public void Weak_near_lidar_returns_without_radar_are_backscatter_not_an_obstacle()
    {
        var h = NewPost();
        // visibility 100 m: the reflector is lost; fog backscatter gives weak returns at ~3 m in every frame
        h.Run(3, (x, t) =>
        {
            for (var k = 0; k < 10; k++)
                x.Lidar("lidar", 3f + k * 0.05f, 60 + k);
            x.Radar("radar", Ref + (t % 3) * 0.01f, 0);
        });
        Assert.Equal(RiskLevel.Medium, h.Level);
        Assert.True(h.Risk.LastFloor!.BackscatterSeen);
        Assert.Equal(ObstacleSource.None, h.Risk.LastFloor!.ObstacleSource);
    }

    [Fact]
    public void Strong_persistent_near_lidar_return_is_an_obstacle_even_without_radar()
    {
        var h = NewPost();
        h.Run(3, (x, t) =>
        {
            for (var k = 0; k < 10; k++)
                x.Lidar("lidar", 3f + k * 0.01f, 3000 + k);
            x.Radar("radar", Ref + (t % 3) * 0.01f, 0);
        });
        Assert.Equal(RiskLevel.High, h.Level);
        Assert.Equal(ObstacleSource.Lidar, h.Risk.LastFloor!.ObstacleSource);
    }

    [Fact]
    public void Static_return_at_the_reference_range_is_not_an_obstacle()
    {
        var h = NewPost();
        h.Run(3, Fog(5000));
        Assert.Equal(RiskLevel.Low, h.Level);
        Assert.Equal(ObstacleSource.None, h.Risk.LastFloor!.ObstacleSource);
    }
}
