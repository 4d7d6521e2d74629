using Kavach.Edge.Fusion;
using Kavach.Edge.Model;
using Kavach.Edge.Tests.Support;
using Kavach.Protocols;

namespace Kavach.Edge.Tests.Model;

/// <summary>The model's input: fixed blocks per role, absent roles flagged, several sensors reduced, never NaN.</summary>
public class FeatureVectorTests
{
    private const string TwoLidars = """
        {
          "Device": { "Id": "test-unit" },
          "Sensors": [
            { "Name": "lidar", "Kind": "lidar", "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 }, "BaselineStrength": 2000, "BaselineRangeM": 60 },
            { "Name": "lidar2", "Kind": "lidar", "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 }, "BaselineStrength": 2000, "BaselineRangeM": 60 },
            { "Name": "radar", "Kind": "radar", "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 } },
            { "Name": "camera", "Kind": "camera", "Required": false, "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 } }
          ],
          "Logging": { "File": "" }
        }
        """;

    private static int I(string name) => Array.IndexOf(FeatureVector.Names, name);

    private static SensorFeatures Live(int index, SensorKind kind)
    {
        var f = new SensorFeatures();
        f.Clear(index, kind);
        f.EverSeen = true;
        f.AgeS = 0.01f;
        f.Frames = 10;
        return f;
    }

    private static SensorFeatures Lidar(int index, float nearestM, float validRatio, float strength)
    {
        var f = Live(index, SensorKind.Lidar);
        f.ValidRatio = validRatio;
        f.NearestM = f.MedianM = f.ClusterRangeM = f.NearClusterRangeM = nearestM;
        f.StdM = 0.1f;
        f.StrengthMedian = f.ClusterStrength = f.NearClusterStrength = strength;
        f.ClusterPersistence = f.NearClusterPersistence = validRatio;
        return f;
    }

    [Fact]
    public void Names_are_unique_and_as_many_as_the_vector()
    {
        Assert.Equal(FeatureVector.Count, FeatureVector.Names.Length);
        Assert.Equal(FeatureVector.Count, FeatureVector.Names.Distinct().Count());
    }

    [Fact]
    public void Absent_roles_are_flagged_and_zero()
    {
        var o = TestConfig.Valid(TwoLidars);
        var sensors = new SensorFeatures[4];
        for (var i = 0; i < 4; i++)
        {
            sensors[i].Clear(i, o.Sensors[i].Kind);
            sensors[i].Stale = true;
        }
        var x = new float[FeatureVector.Count];
        Array.Fill(x, 42f);
        FeatureVector.Fill(new FusionSnapshot(0, sensors), o, x);
        Assert.All(x, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Several_lidars_reduce_to_the_nearest_return_and_the_lowest_ratio()
    {
        var o = TestConfig.Valid(TwoLidars);
        var radar = Live(2, SensorKind.Radar);
        var camera = Live(3, SensorKind.Camera);
        camera.VisibilityM = 300;
        camera.Stale = true; // a stale camera cannot vouch for visibility
        var sensors = new[] { Lidar(0, 80, 0.9f, 500), Lidar(1, 40, 0.6f, 1500), radar, camera };
        var x = new float[FeatureVector.Count];
        FeatureVector.Fill(new FusionSnapshot(0, sensors), o, x);
        Assert.Equal(1f, x[I("lidar_present")]);
        Assert.Equal(0.4f, x[I("lidar_nearest_m")], 1e-5f);
        Assert.Equal(0.6f, x[I("lidar_valid_ratio")], 1e-5f);
        Assert.Equal(0.4f, x[I("lidar_near_cluster_m")], 1e-5f);
        // the most attenuated dominant return: 1500 at 40 m against 2000·(60/40)² = 4500 (500 at 80 m against 1125 is less)
        Assert.Equal((float)(Math.Log(1500 / 4500.0) / 5), x[I("lidar_cluster_atten")], 1e-4f);
        Assert.Equal(0.4f, x[I("lidar_cluster_m")], 1e-5f);
        Assert.Equal(1f, x[I("radar_present")]);
        Assert.Equal(0f, x[I("radar_has_target")]);
        Assert.Equal(0f, x[I("camera_present")]);
    }

    [Fact]
    public void Camera_reduces_to_the_lowest_visibility_and_non_finite_values_never_pass()
    {
        var o = TestConfig.Valid();
        var lidar = Lidar(0, float.PositiveInfinity, float.NaN, float.NaN);
        var radar = Live(1, SensorKind.Radar);
        radar.RangeM = 50;
        radar.ClosingSpeedMps = float.NaN;
        radar.SnrDb = float.PositiveInfinity;
        radar.LatestRangeM = float.NaN;
        var camera = Live(2, SensorKind.Camera);
        camera.VisibilityM = 120;
        var x = new float[FeatureVector.Count];
        FeatureVector.Fill(new FusionSnapshot(0, [lidar, radar, camera]), o, x);
        Assert.All(x, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(1f, x[I("camera_present")]);
        Assert.Equal((float)Math.Log10(120) / 4, x[I("camera_vis")], 1e-5f);
        Assert.Equal(0.5f, x[I("radar_range_m")], 1e-5f);
        Assert.Equal(0.5f, x[I("radar_latest_range_m")], 1e-5f);
    }

    [Fact]
    public void A_radar_target_beyond_the_lidars_reach_reads_as_unseeable_not_as_lost()
    {
        var o = TestConfig.Valid(
            TwoLidars,
            new Dictionary<string, string?> { ["Sensors:0:MaxRangeM"] = "40", ["Sensors:1:MaxRangeM"] = "40" }
        );
        var radar = Live(2, SensorKind.Radar);
        radar.RangeM = radar.LatestRangeM = 120;
        radar.ClosingSpeedMps = 0;
        var silent = Live(0, SensorKind.Lidar);
        var silent2 = Live(1, SensorKind.Lidar);
        var x = new float[FeatureVector.Count];
        FeatureVector.Fill(new FusionSnapshot(0, [silent, silent2, radar, Live(3, SensorKind.Camera)]), o, x);
        Assert.Equal(-2f, x[I("lidar_margin_at_radar")]); // the bottom of the range: could not see it in clear air
        Assert.Equal(0f, x[I("lidar_vis_bound")]); // and so no fog bound from its silence

        var reach = TestConfig.Valid(TwoLidars, new Dictionary<string, string?> { ["Sensors:0:MaxRangeM"] = "180" });
        FeatureVector.Fill(new FusionSnapshot(0, [silent, silent2, radar, Live(3, SensorKind.Camera)]), reach, x);
        // S0(120) = 2000·(60/120)² = 500 against MinStrength 40: the LiDAR should have seen it, and did not
        Assert.Equal((float)(Math.Log(500 / 40.0) / 5), x[I("lidar_margin_at_radar")], 1e-4f);
        Assert.True(x[I("lidar_vis_bound")] > 0);
    }

    [Fact]
    public void Far_lidar_cluster_and_radar_near_target_are_reduced_to_the_nearest()
    {
        var o = TestConfig.Valid(TwoLidars);
        var a = Lidar(0, 3, 0.4f, 60);
        a.FarClusterRangeM = 90;
        a.FarClusterPersistence = 0.5f;
        a.FarClusterStrength = 400;
        var b = Lidar(1, 4, 0.5f, 60);
        b.FarClusterRangeM = 35;
        b.FarClusterPersistence = 0.3f;
        b.FarClusterStrength = 300;
        var radar = Live(2, SensorKind.Radar);
        radar.RangeM = radar.LatestRangeM = 120;
        radar.NearTargetRangeM = 70;
        radar.NearTargetPersistence = 0.35f;
        var x = new float[FeatureVector.Count];
        FeatureVector.Fill(new FusionSnapshot(0, [a, b, radar, Live(3, SensorKind.Camera)]), o, x);
        Assert.Equal(0.35f, x[I("lidar_far_cluster_m")], 1e-5f);
        Assert.Equal(0.3f, x[I("lidar_far_cluster_persist")], 1e-5f);
        // 300 at 35 m against S0 = 2000·(60/35)² = 5878
        Assert.Equal((float)(Math.Log(300 / (2000 * (60 / 35.0) * (60 / 35.0))) / 5), x[I("lidar_far_cluster_atten")], 1e-4f);
        Assert.Equal(0.7f, x[I("radar_near_m")], 1e-5f);
        Assert.Equal(0.35f, x[I("radar_near_persist")], 1e-5f);
        Assert.Equal(1.2f, x[I("radar_range_m")], 1e-5f);
    }

    [Fact]
    public void Fusion_keeps_an_intermittent_far_return_and_an_intermittent_near_radar_target()
    {
        // dense fog: the LiDAR returns the car at 30 m in 4 frames of 10, backscatter at 2–5 m in 6 (no cluster of
        // those reaches MinPersistence 0.7); the radar reports a weak car at 70 m in 3 frames of 10, the reference
        // at 120 m in the rest, so the median says 120 m
        var h = new PipelineHarness();
        var t = 0;
        h.Run(1.5, (hh, tick) =>
        {
            for (var k = 0; k < 10; k++, t++)
                hh.Lidar("lidar", k % 5 < 2 ? 30f + (t % 3) * 0.01f : 2f + (t % 4), 90);
            hh.Radar("radar", tick % 10 < 3 ? 70f : 120f + (tick % 5) * 0.02f);
        });
        var s = h.Pipeline.LastSnapshot!.Sensors;
        var lidar = s[h.IndexOf("lidar")];
        Assert.True(float.IsNaN(lidar.NearClusterRangeM) || lidar.NearClusterRangeM < 10); // no persistent far cluster
        Assert.Equal(30f, lidar.FarClusterRangeM, 0.05f);
        Assert.Equal(0.4f, lidar.FarClusterPersistence, 0.02f);
        Assert.Equal(90f, lidar.FarClusterStrength);
        var radar = s[h.IndexOf("radar")];
        Assert.Equal(120f, radar.RangeM, 0.1f);
        Assert.Equal(70f, radar.NearTargetRangeM);
        Assert.Equal(0.3f, radar.NearTargetPersistence, 0.05f);
    }

    [Fact]
    public void Fill_allocates_nothing()
    {
        var h = new PipelineHarness();
        h.Run(1.5, PipelineHarness.World(60, 1000, 60, 0, 800));
        var snapshot = h.Pipeline.LastSnapshot!;
        var x = new float[FeatureVector.Count];
        FeatureVector.Fill(snapshot, h.Options, x);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
            FeatureVector.Fill(snapshot, h.Options, x);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1f, x[I("lidar_sees_radar_target")]);
    }
}
