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
        for (var i = 0; i < 4; i++) { sensors[i].Clear(i, o.Sensors[i].Kind); sensors[i].Stale = true; }
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
    public void Fill_allocates_nothing()
    {
        var h = new PipelineHarness();
        h.Run(1.5, PipelineHarness.World(60, 1000, 60, 0, 800));
        var snapshot = h.Pipeline.LastSnapshot!;
        var x = new float[FeatureVector.Count];
        FeatureVector.Fill(snapshot, h.Options, x);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) FeatureVector.Fill(snapshot, h.Options, x);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1f, x[I("lidar_sees_radar_target")]);
    }
}
