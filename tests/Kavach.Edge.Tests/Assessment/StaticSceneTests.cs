using Kavach.Edge.Assessment;
using Kavach.Edge.Commissioning;
using Kavach.Edge.Sensors;
using Kavach.Edge.Tests.Support;
using Kavach.Protocols;

namespace Kavach.Edge.Tests.Assessment;

/// <summary>
/// The static scene judged in one place (Assessment/StaticScene.cs), through fusion → floor → risk state on a fake
/// clock. The post: a LiDAR commissioned at 2000 @ 60 m, a radar, and a signal mast at 90 m — inside the 150 m zone —
/// that both return in clear air with the track empty (LiDAR strength 600, radar 20 dB, static).
/// </summary>
public class StaticSceneTests
{
    private const float Mast = 90;

    /// <summary>The commissioning record's scene, as the daemon exposes it; not commissioned when <c>on</c> is false.</summary>
    private sealed class Scene(bool on) : ICommissionedScene
    {
        public bool Commissioned => on;
        public double? ReferenceRangeM => null;

        public IReadOnlyList<LidarReturn> StaticLidarReturns(int sensor) =>
            on && sensor == 0 ? [new LidarReturn(Mast, 600, 0.1, 1, false)] : [];

        public IReadOnlyList<RadarTarget> StaticRadarTargets(int sensor) =>
            on && sensor == 1 ? [new RadarTarget(Mast, 20, 0, 1, true)] : [];
    }

    private static PipelineHarness NewPost(bool commissioned, Dictionary<string, string?>? extra = null)
    {
        var o = new Dictionary<string, string?> { ["Sensors:0:MinStrength"] = "40", ["Sensors:0:MaxStrength"] = "3500" };
        if (extra is not null)
            foreach (var kv in extra)
                o[kv.Key] = kv.Value;
        return new PipelineHarness(TestConfig.Valid(overrides: o), scene: new Scene(commissioned));
    }

    /// <summary>One tick: 10 LiDAR frames at <paramref name="lidarM"/> and one radar frame with its nearest and second target.</summary>
    private static Action<PipelineHarness, int> Feed(
        Func<int, float> lidarM,
        float lidarStrength,
        Func<int, float> radarM,
        float radarSpeed = 0,
        float? radar2M = null,
        float radar2Speed = 0
    ) =>
        (h, t) =>
        {
            for (var k = 0; k < 10; k++)
                h.Lidar("lidar", lidarM(t) + ((t * 10 + k) % 7) * 0.01f, lidarStrength + k);
            var r = Reading.Empty(h.IndexOf("radar"), SensorKind.Radar, h.Time.GetTimestamp());
            r.RangeM = radarM(t) + (t % 5) * 0.02f;
            r.ClosingSpeedMps = radarSpeed + (t % 3) * 0.001f;
            r.SnrDb = 20;
            if (radar2M is { } r2)
            {
                r.Range2M = r2 + (t % 5) * 0.02f;
                r.ClosingSpeed2Mps = radar2Speed;
                r.Snr2Db = 20;
            }
            r.Targets = radar2M is null ? 1 : 2;
            h.Fusion.Add(r);
        };

    private static Action<PipelineHarness, int> MastOnly(float lidarStrength = 600) => Feed(_ => Mast, lidarStrength, _ => Mast);

    private static string Why(PipelineHarness h) => string.Join("; ", h.Risk.Current.Reasons);

    [Fact]
    public void Uncommissioned_a_static_return_inside_the_zone_is_an_obstacle()
    {
        var h = NewPost(commissioned: false);
        Assert.Equal(RiskLevel.High, h.Run(3, MastOnly()));
        Assert.Contains("obstacle 90 m in zone", Why(h));
    }

    [Fact]
    public void Commissioned_the_same_static_return_is_the_scene_not_an_obstacle()
    {
        var h = NewPost(commissioned: true);
        var level = h.Run(3, MastOnly());
        Assert.True(level == RiskLevel.Low, $"expected LOW, got {level} ({Why(h)})");
        Assert.Equal(ObstacleSource.None, h.Risk.LastFloor!.ObstacleSource);
    }

    [Fact]
    public void A_much_stronger_return_at_the_clutter_range_is_something_new()
    {
        // three times the commissioned strength at the mast: something stands there now
        var h = NewPost(commissioned: true);
        Assert.Equal(RiskLevel.High, h.Run(3, Feed(_ => Mast, 1800, _ => Mast)));
        Assert.Contains("lidar", Why(h));
    }

    [Fact]
    public void An_object_approaching_in_front_of_the_commissioned_clutter_is_an_obstacle()
    {
        // 1 m/s from 85 m: the LiDAR returns the object (it hides the mast), the radar the object and the mast behind it
        var h = NewPost(commissioned: true);
        h.Run(2, MastOnly());
        Assert.Equal(RiskLevel.Low, h.Level);
        var level = h.Run(3, Feed(t => 85 - t * 0.1f, 1500, t => 85 - t * 0.1f, 1, Mast));
        Assert.True(level == RiskLevel.High, $"expected HIGH, got {level} ({Why(h)})");
        Assert.Contains("in zone", Why(h));
    }

    [Fact]
    public void The_radar_passes_over_the_commissioned_clutter_to_an_obstacle_behind_it()
    {
        // the radar's nearest target is the mast, its second a car standing at 120 m (the LiDAR sees only the mast)
        var h = NewPost(commissioned: true);
        var level = h.Run(3, Feed(_ => Mast, 600, _ => Mast, 0, 120));
        Assert.True(level == RiskLevel.High, $"expected HIGH, got {level} ({Why(h)})");
        Assert.Contains("obstacle 120 m in zone (radar)", Why(h));
    }

    [Fact]
    public void The_radar_passes_over_the_reference_to_an_obstacle_behind_it_and_reports_the_reference_alone()
    {
        // reference at 60 m set by hand (not commissioned): the radar reports it first, a car at 75 m second
        var h = NewPost(commissioned: false, new() { ["Risk:ReferenceRangeM"] = "60" });
        var level = h.Run(3, Feed(_ => 60, 2000, _ => 60.5f, 0.1f, 75));
        Assert.True(level == RiskLevel.High, $"expected HIGH, got {level} ({Why(h)})");
        Assert.Contains("obstacle 75 m in zone (radar)", Why(h));

        var alone = NewPost(commissioned: false, new() { ["Risk:ReferenceRangeM"] = "60" });
        Assert.Equal(RiskLevel.Low, alone.Run(3, Feed(_ => 60, 2000, _ => 60.2f)));
        // the reference alone is the radar's target (the floor measures fog on it)
        Assert.Equal(60.2f, alone.Fusion.Tick(alone.Time.GetTimestamp()).Sensors[1].RangeM, 0.1f);
    }
}
