using Kavach.Edge.Assessment;
using Kavach.Edge.Fusion;
using Kavach.Edge.Tests.Assessment;
using Kavach.Edge.Tests.Support;

namespace Kavach.Edge.Tests.Risk;

/// <summary>Risk state timing and fail-safe rules on a fake clock: nothing here sleeps.</summary>
public class RiskStateTests
{
    private const float Ref = 120;

    private static PipelineHarness NewPost(Dictionary<string, string?>? extra = null, ISafetyFloor? floor = null)
    {
        var o = new Dictionary<string, string?> { ["Risk:ReferenceRangeM"] = "120" };
        if (extra is not null)
            foreach (var kv in extra)
                o[kv.Key] = kv.Value;
        return new PipelineHarness(TestConfig.Valid(overrides: o), floor);
    }

    private static Action<PipelineHarness, int> Clear => PipelineHarness.World(Ref, Physics.Strength(Ref, 5000), Ref);

    private static Action<PipelineHarness, int> VisibleAt(double v) => PipelineHarness.World(Ref, Physics.Strength(Ref, v), Ref);

    [Fact]
    public void Starts_in_fault_starting_until_every_required_sensor_reported()
    {
        var h = NewPost();
        Assert.Equal(RiskLevel.Fault, h.Level);
        Assert.True(h.Risk.Current.Starting);
        Assert.Contains("starting", h.Risk.Current.Reasons);

        // only the LiDAR talks: still FAULT (the radar is required and silent)
        h.Run(2, (x, _) => x.Lidar("lidar", Ref, 400));
        Assert.Equal(RiskLevel.Fault, h.Level);
        Assert.Contains(h.Risk.ActiveFaults, f => f.Contains("radar: no data yet", StringComparison.Ordinal));

        h.Run(2, Clear); // the optional camera never reports: not needed for LOW
        Assert.Equal(RiskLevel.Low, h.Level);
        Assert.False(h.Risk.Current.Starting);
        Assert.Equal(RiskLevel.Fault, h.Changes[^1].Previous);
    }

    [Fact]
    public void Silent_required_sensor_is_fault_within_its_timeout()
    {
        var h = NewPost();
        h.Run(3, Clear);
        Assert.Equal(RiskLevel.Low, h.Level);

        // the radar goes silent; TimeoutMs is 2000 (default): FAULT within 2 s + one tick, never LOW meanwhile
        var radarSilent =
            (Action<PipelineHarness, int>)(
                (x, t) =>
                {
                    for (var k = 0; k < 10; k++)
                        x.Lidar("lidar", Ref + ((t * 10 + k) % 7) * 0.01f, 400 + k);
                }
            );
        h.Run(1.9, radarSilent);
        Assert.Equal(RiskLevel.Low, h.Level);
        h.Run(0.2, radarSilent);
        Assert.Equal(RiskLevel.Fault, h.Level);
        Assert.Contains(h.Risk.Current.Faults, f => f.StartsWith("sensor radar: stale", StringComparison.Ordinal));
    }

    [Fact]
    public void Silent_optional_camera_is_not_fault()
    {
        var h = NewPost();
        h.Run(3, PipelineHarness.World(Ref, 400, Ref, cameraM: 1900));
        h.Run(10, Clear); // camera silent for 10 s
        Assert.Equal(RiskLevel.Low, h.Level);
    }

    [Fact]
    public void Frozen_lidar_output_counts_as_stale_and_is_fault()
    {
        var h = NewPost();
        h.Run(2, Clear);
        // the LiDAR repeats one frame bit for bit (a stuck sensor); FrozenMs defaults to 5000
        h.Run(7, (x, t) =>
        {
            for (var k = 0; k < 10; k++)
                x.Lidar("lidar", 118.5f, 401);
            x.Radar("radar", Ref + (t % 3) * 0.01f, 0);
        });
        Assert.Equal(RiskLevel.Fault, h.Level);
        Assert.Contains(h.Risk.Current.Faults, f => f == "sensor lidar: output frozen");
    }

    [Fact]
    public void Lidar_no_return_frames_in_fog_are_not_frozen()
    {
        var h = NewPost();
        h.Run(2, Clear);
        h.Run(10, PipelineHarness.World(null, 0, Ref)); // dense fog: only "no return" frames for 10 s
        Assert.Equal(RiskLevel.Medium, h.Level);
    }

    [Fact]
    public void High_outranks_fault_and_the_faults_are_still_listed()
    {
        var h = NewPost();
        h.Run(2, Clear);
        // the LiDAR dies, and the radar sees a stalled car at 50 m
        h.Run(3, (x, t) => x.Radar("radar", 50 + (t % 3) * 0.01f, 0));
        Assert.Equal(RiskLevel.High, h.Level);
        Assert.Contains(h.Risk.ActiveFaults, f => f.StartsWith("sensor lidar: stale", StringComparison.Ordinal));
    }

    [Fact]
    public void Fog_threshold_has_hysteresis()
    {
        var h = NewPost();
        h.Run(2, VisibleAt(450));
        Assert.Equal(RiskLevel.Medium, h.Level);
        var changes = h.Changes.Count;
        // wandering between 450 and 560 m: above 500 but not above 500 + 100: stays MEDIUM, no chatter
        for (var i = 0; i < 5; i++)
        {
            h.Run(2, VisibleAt(560));
            h.Run(2, VisibleAt(450));
        }
        Assert.Equal(RiskLevel.Medium, h.Level);
        Assert.Equal(changes, h.Changes.Count);

        h.Run(4, VisibleAt(900));
        Assert.Equal(RiskLevel.Low, h.Level);
    }

    [Fact]
    public void High_is_held_at_least_the_hold_time_after_the_hazard_goes()
    {
        var h = NewPost();
        h.Run(2, Clear);
        h.Run(2, PipelineHarness.World(Ref, 400, 60, 0)); // car at 60 m
        Assert.Equal(RiskLevel.High, h.Level);
        var highAt = h.Changes[^1].Timestamp;

        h.Run(2.5, Clear); // car gone (the window needs a second to forget it)
        Assert.Equal(RiskLevel.High, h.Level);
        h.Run(2.5, Clear);
        Assert.Equal(RiskLevel.Low, h.Level);
        var held = h.Time.GetElapsedTime(highAt, h.Changes[^1].Timestamp);
        Assert.True(held >= TimeSpan.FromMilliseconds(h.Options.Risk.HighHoldMs), $"HIGH held only {held}");
    }

    [Fact]
    public void A_brief_blip_is_not_confirmed()
    {
        var h = NewPost(new() { ["Risk:ConfirmMs"] = "500", ["Fusion:WindowMs"] = "200" });
        h.Run(2, Clear);
        h.Run(0.3, PipelineHarness.World(Ref, 400, 60, 0));
        h.Run(2, Clear);
        Assert.DoesNotContain(h.Changes, c => c.Level == RiskLevel.High);
    }

    [Fact]
    public void A_failing_safety_floor_is_fault_never_low()
    {
        var floor = new FlakyFloor();
        var h = NewPost(floor: floor);
        floor.Inner = new SafetyFloor(h.Options);
        h.Run(2, Clear);
        Assert.Equal(RiskLevel.Low, h.Level);

        floor.Fail = true;
        h.Run(0.2, Clear);
        Assert.Equal(RiskLevel.Fault, h.Level);
        Assert.Contains(h.Risk.Current.Faults, f => f.StartsWith("safety floor", StringComparison.Ordinal));

        floor.Fail = false;
        h.Run(2, Clear);
        Assert.Equal(RiskLevel.Low, h.Level);
    }

    [Fact]
    public void A_stage_fault_is_fault()
    {
        var h = NewPost();
        h.Run(2, Clear);
        h.Faults.Raise("storage", "disk full");
        h.Run(0.2, Clear);
        Assert.Equal(RiskLevel.Fault, h.Level);
        Assert.Contains("storage: disk full", h.Risk.Current.Faults);
        h.Faults.Clear("storage");
        h.Run(2, Clear);
        Assert.Equal(RiskLevel.Low, h.Level);
    }

    private sealed class FlakyFloor : ISafetyFloor
    {
        public ISafetyFloor? Inner { get; set; }
        public bool Fail { get; set; }

        public FloorAssessment Assess(FusionSnapshot snapshot) =>
            Fail ? throw new InvalidOperationException("injected") : Inner!.Assess(snapshot);
    }
}
