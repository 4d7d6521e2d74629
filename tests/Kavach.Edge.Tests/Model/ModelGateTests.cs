using Kavach.Edge.Assessment;
using Kavach.Edge.Configuration;
using Kavach.Edge.Model;
using Kavach.Edge.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Tests.Model;

/// <summary>
/// The run-time gates around the model (issue 12, items 3–5): a silent or stalled sensor is a fault, never a model
/// obstacle; the model never invents an obstacle (its HIGH needs a return in the zone or a short TTC in the same
/// window); a LiDAR return beyond its configured reach and an input outside the training envelope make it abstain.
/// Driven with a model that always answers what the test sets — the worst case — through the real pipeline on a fake clock.
/// </summary>
public class ModelGateTests
{
    private static readonly Action<PipelineHarness, int> ClearEmpty = PipelineHarness.World(null, 0, null);

    // the far reference at 170 m, seen by both sensors: outside the 150 m zone + 10 m margin
    private static readonly Action<PipelineHarness, int> FarReflector = PipelineHarness.World(170, 500, 170);

    // a LiDAR return at 100 m in 2 frames of 10, else nothing: too intermittent for the floor, evidence for the model
    private static void Glimpse(PipelineHarness h, int t)
    {
        for (var k = 0; k < 10; k++)
            h.Lidar("lidar", k < 2 ? 100 + (t % 7) * 0.01f : null, 800 + t % 5);
        h.Radar("radar", null);
    }

    private static (PipelineHarness H, FakeModel Model, ListLogger Log) Harness(
        Action<FakeModel>? set = null,
        KavachOptions? options = null
    )
    {
        var fake = new FakeModel();
        set?.Invoke(fake);
        var log = new ListLogger();
        return (new PipelineHarness(options, model: o => new ModelLayer(o, fake, log)), fake, log);
    }

    [Fact]
    public void A_model_HIGH_without_a_return_in_the_zone_is_a_MEDIUM_suspicion()
    {
        var (h, _, _) = Harness(m => m.ObstacleProbability = 0.99f);
        Assert.Equal(RiskLevel.Medium, h.Run(20, FarReflector));
        Assert.DoesNotContain(h.Changes, c => c.Level == RiskLevel.High);
        var s = h.Risk.Current;
        Assert.Equal("model", s.RaisedBy);
        Assert.True(s.Model!.Suspect);
        Assert.False(s.Model.Hazard);
        Assert.Contains("model suspects an obstacle (p=0.99): no sensor return inside 160 m", s.Reasons);
        Assert.True(h.Model!.Suspicions > 0);
    }

    [Fact]
    public void A_model_HIGH_with_a_return_in_the_zone_is_HIGH_though_the_floor_is_LOW()
    {
        var (h, _, _) = Harness(m => m.ObstacleProbability = 0.99f);
        Assert.Equal(RiskLevel.High, h.Run(3, Glimpse));
        Assert.Equal(RiskLevel.Low, h.Risk.Current.Floor!.Level);
        Assert.Equal("model", h.Risk.Current.RaisedBy);
        Assert.True(h.Risk.Current.Model!.Hazard);
    }

    [Fact]
    public void A_radar_target_closing_under_the_TTC_threshold_is_evidence()
    {
        // 200 m away at 30 m/s: 6.7 s to collision, beyond the zone; the floor says so too (TTC)
        var (h, _, _) = Harness(m => m.ObstacleProbability = 0.99f);
        h.Run(2, ClearEmpty);
        var r = 200f;
        h.Run(0.5, (h, t) =>
        {
            PipelineHarness.World(null, 0, r -= 3, 30)(h, t);
        });
        Assert.True(h.Pipeline.LastModelView!.Hazard);
    }

    [Theory]
    [InlineData(3.0)] // the link comes back before the 2 s timeout ran out twice over (the issue's sequence)
    [InlineData(60.0)] // the feed ends
    public void A_silent_lidar_is_FAULT_within_its_timeout_plus_a_tick_and_never_HIGH_whatever_the_model_says(double silentS)
    {
        var (h, _, _) = Harness(
            m => m.ObstacleProbability = 0.99f,
            TestConfig.Valid(
                overrides: new Dictionary<string, string?>
                {
                    ["Risk:ReferenceRangeM"] = "170",
                    ["Sensors:0:MaxRangeM"] = "180", // commissioned by hand
                }
            )
        );
        h.Run(10, FarReflector);
        Assert.Equal(RiskLevel.Medium, h.Level); // the model's suspicion, no more
        var silentFrom = h.Time.GetUtcNow() - TimeSpan.FromMilliseconds(h.Options.Fusion.TickMs); // the last frames' time
        var radarOnly = (Action<PipelineHarness, int>)((h, t) => h.Radar("radar", 170 + (t % 5) * 0.02f, (t % 3) * 0.001f));
        var faultAtS = double.NaN;
        for (var t = 0; t < silentS * 10; t++)
        {
            h.Run(0.1, radarOnly);
            Assert.NotEqual(RiskLevel.High, h.Level);
            Assert.NotEqual(RiskLevel.High, h.Pipeline.LastModelView!.Level);
            if (double.IsNaN(faultAtS) && h.Level == RiskLevel.Fault)
                faultAtS = (h.Time.GetUtcNow() - silentFrom).TotalSeconds;
        }
        var timeoutS = h.Options.Sensors[0].TimeoutMs / 1000.0;
        Assert.InRange(faultAtS, timeoutS, timeoutS + h.Options.Fusion.TickMs / 1000.0 + 1e-6);
        Assert.Contains(h.Changes, c => c.Level == RiskLevel.Fault && c.Reasons.Contains("sensor lidar: stale (2.1 s without a frame)"));
        // and back: the window refills before the model is asked again; still never HIGH
        for (var t = 0; t < 50; t++)
        {
            h.Run(0.1, FarReflector);
            Assert.NotEqual(RiskLevel.High, h.Level);
        }
        Assert.DoesNotContain(h.Changes, c => c.Level == RiskLevel.High);
    }

    [Fact]
    public void The_model_abstains_one_window_into_a_silence_before_the_sensor_is_stale_and_while_its_window_refills()
    {
        var (h, fake, _) = Harness();
        h.Run(5, FarReflector);
        Assert.Null(h.Pipeline.LastModelView!.Abstained);
        h.Run(1.1, (h, t) => h.Radar("radar", 170 + (t % 5) * 0.02f)); // the LiDAR's window is empty, the sensor still live
        var view = h.Pipeline.LastModelView!;
        Assert.Equal("model abstains: sensor 'lidar' sent nothing in the window", view.Abstained);
        Assert.Equal(RiskLevel.Low, view.Level);
        Assert.True(double.IsNaN(view.ObstacleProbability));
        Assert.True(h.Model!.Gate.Count(Abstention.SensorSilent) > 0);
        var calls = fake.Calls;
        h.Run(1.4, FarReflector); // speaking again: 1.5 s before its window is whole again
        Assert.Equal("model abstains: sensor 'lidar' window refilling after a silence", h.Pipeline.LastModelView!.Abstained);
        Assert.Equal(calls, fake.Calls);
        h.Run(0.2, FarReflector);
        Assert.Null(h.Pipeline.LastModelView!.Abstained);
        Assert.True(fake.Calls > calls);
    }

    [Fact]
    public void A_lidar_return_beyond_its_configured_reach_makes_the_model_abstain_and_says_so()
    {
        // the example's reach (100 m) against a TF03 that really returns the reflector at 170 m
        var (h, fake, log) = Harness(
            m => m.ObstacleProbability = 0.99f,
            TestConfig.Valid(overrides: new Dictionary<string, string?> { ["Sensors:0:MaxRangeM"] = "100" })
        );
        Assert.Equal(RiskLevel.Low, h.Run(60, FarReflector));
        Assert.DoesNotContain(h.Changes, c => c.Level is RiskLevel.High or RiskLevel.Medium);
        Assert.Equal(0, fake.Calls);
        const string why =
            "model abstains: lidar 'lidar' returns at 170 m, beyond its MaxRangeM 100 m (set MaxRangeM to the sensor's real reach)";
        Assert.Equal(why, h.Pipeline.LastModelView!.Abstained);
        // the risk state says it at each change (here the start-up FAULT → LOW, while the window filled); health says it live
        Assert.Contains(h.Risk.Current.Reasons, r => r.StartsWith("model abstains: ", StringComparison.Ordinal));
        Assert.Equal(why, h.Model!.Health.Message);
        Assert.Equal(ModelState.Running, h.Model.Health.State);
        Assert.Equal(1, log.Count(LogLevel.Information, why));
        Assert.True(h.Model.Gate.Count(Abstention.BeyondReach) >= 580);
    }

    [Fact]
    public void An_input_outside_the_training_envelope_makes_the_model_abstain_naming_it()
    {
        var (model, _, _) = ModelLayer.Load(new ModelOptions { Path = ModelFiles.Committed });
        using var committed = model!;
        var envelope = committed.Envelope!;
        var (h, fake, _) = Harness(m =>
        {
            m.ObstacleProbability = 0.99f;
            m.Envelope = envelope;
        });
        // a radar target at 290 m: beyond the 250 m seen in training (radar_range_m 2.9 against [0, 2.5])
        h.Run(5, PipelineHarness.World(null, 0, 290));
        var why = h.Pipeline.LastModelView!.Abstained;
        Assert.Matches(@"^model abstains: [a-z_]+ = [0-9.\-]+ outside training range \[[0-9.\-]+, [0-9.\-]+\]$", why);
        Assert.Equal(0, fake.Calls);
        Assert.True(h.Model!.Gate.Count(Abstention.OutsideEnvelope) > 0);
        Assert.DoesNotContain(h.Changes, c => c.Level == RiskLevel.High);
    }

    [Fact]
    public void A_required_sensor_not_heard_yet_keeps_the_model_out()
    {
        var (h, fake, _) = Harness(m => m.ObstacleProbability = 0.99f);
        h.Run(3, (h, t) => h.Radar("radar", 60));
        Assert.Equal(0, fake.Calls);
        Assert.Equal("model abstains: sensor 'lidar' not heard yet", h.Pipeline.LastModelView!.Abstained);
    }
}
