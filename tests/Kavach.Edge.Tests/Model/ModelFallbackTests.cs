using Kavach.Edge.Assessment;
using Kavach.Edge.Configuration;
using Kavach.Edge.Model;
using Kavach.Edge.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Tests.Model;

/// <summary>
/// The two layers together: the model may raise the level (through the same confirmation and hold),
/// never lower it; a model that throws or answers NaN leaves the floor in charge, reported once.
/// </summary>
public class ModelFallbackTests
{
    // a clear, empty track: no LiDAR return, no radar target; the floor says LOW
    private static readonly Action<PipelineHarness, int> ClearEmpty = PipelineHarness.World(null, 0, null);

    // a stalled car 60 m away, seen by both sensors: the floor says HIGH
    private static readonly Action<PipelineHarness, int> CarInZone = PipelineHarness.World(60, 1000, 60);

    // a LiDAR return at 100 m in 2 frames of 10: too intermittent for the floor, but evidence for a model HIGH
    private static readonly Action<PipelineHarness, int> Glimpse = (h, t) =>
    {
        for (var k = 0; k < 10; k++)
            h.Lidar("lidar", k < 2 ? 100 + (t % 7) * 0.01f : null, 800 + t % 5);
        h.Radar("radar", null);
    };

    private static (PipelineHarness H, FakeModel Model, ListLogger Log) Harness(
        Action<FakeModel>? set = null,
        KavachOptions? options = null
    )
    {
        var fake = new FakeModel();
        set?.Invoke(fake);
        var log = new ListLogger();
        var h = new PipelineHarness(options, model: o => new ModelLayer(o, fake, log));
        return (h, fake, log);
    }

    [Fact]
    public void Model_hazard_raises_high_after_confirmation_and_says_it_was_the_model()
    {
        var (h, _, _) = Harness(m => m.ObstacleProbability = 0.99f);
        Assert.Equal(RiskLevel.High, h.Run(3, Glimpse));
        var s = h.Risk.Current;
        Assert.Equal("model", s.RaisedBy);
        Assert.NotNull(s.Model);
        Assert.True(s.Model!.Hazard);
        Assert.Equal(RiskLevel.Low, s.Floor!.Level);
        Assert.Contains(s.Reasons, r => r.StartsWith("model: obstacle", StringComparison.Ordinal));
    }

    [Fact]
    public void A_single_tick_model_hazard_is_not_an_alarm()
    {
        var (h, fake, _) = Harness();
        h.Run(2, ClearEmpty);
        fake.ObstacleProbability = 0.99f;
        h.Run(0.1, ClearEmpty);
        fake.ObstacleProbability = 0;
        Assert.Equal(RiskLevel.Low, h.Run(1, ClearEmpty));
    }

    [Fact]
    public void The_model_abstains_while_a_sensor_window_is_still_filling_and_the_floor_decides()
    {
        // the model would say dense fog; until every live sensor has been live for the window + 0.5 s (training
        // never saw a half-filled window) it is not asked, so the clear floor decides
        var (h, fake, _) = Harness(m =>
        {
            m.FogClass = (int)FogClass.Dense;
            m.VisibilityLog10 = 2;
        });
        h.Run(1.2, ClearEmpty);
        Assert.Equal(0, fake.Calls);
        Assert.Equal("model abstains: sensor 'lidar' window still filling", h.Pipeline.LastModelView!.Abstained);
        Assert.NotEqual(RiskLevel.Medium, h.Level);
        Assert.Equal(RiskLevel.Medium, h.Run(2, ClearEmpty));
        Assert.True(fake.Calls > 0);
        Assert.Equal("model", h.Risk.Current.RaisedBy);
    }

    [Theory]
    [InlineData(new[] { 0.1f, 0.3f, 0.35f, 0.15f, 0.1f }, 300, true)] // 60 % on moderate or worse, 300 m
    [InlineData(new[] { 0.1f, 0.3f, 0.35f, 0.15f, 0.1f }, 8800, false)] // the heads disagree: a class beside an 8.8 km regression
    [InlineData(new[] { 0.3f, 0.25f, 0.4f, 0.05f, 0f }, 400, false)] // moderate is the likeliest class, but only 45 % ≤ 500 m
    [InlineData(new[] { 0f, 0.1f, 0.2f, 0.3f, 0.4f }, 900, true)] // within a factor 2 of the 500 m line
    public void Model_fog_medium_needs_half_the_mass_at_or_past_the_line_and_the_visibility_head_to_agree(
        float[] fog,
        double visibilityM,
        bool medium
    )
    {
        Assert.Equal(medium, ModelLayer.FogMedium(fog, visibilityM, FogClass.Moderate));
    }

    [Fact]
    public void Model_fog_raises_medium()
    {
        var (h, _, _) = Harness(m =>
        {
            m.FogClass = (int)FogClass.Dense;
            m.VisibilityLog10 = 2;
        });
        Assert.Equal(RiskLevel.Medium, h.Run(2, ClearEmpty));
        Assert.Equal("model", h.Risk.Current.RaisedBy);
        Assert.Equal(FogClass.Dense, h.Risk.Current.Model!.FogClass);
    }

    [Fact]
    public void Model_below_its_thresholds_never_lowers_the_floor()
    {
        var (h, _, _) = Harness(m => m.ObstacleProbability = 0);
        h.Run(2, ClearEmpty); // past the model's warm-up
        Assert.Equal(RiskLevel.High, h.Run(3, CarInZone));
        Assert.Equal("floor", h.Risk.Current.RaisedBy);
        Assert.False(h.Risk.Current.Model!.Hazard);
    }

    [Fact]
    public void Throwing_model_leaves_the_floor_in_charge_reported_once_as_a_degradation()
    {
        var (h, fake, log) = Harness(m => m.Throw = new InvalidOperationException("boom"));
        h.Run(2, ClearEmpty); // past the model's warm-up: from here on every tick asks it
        var before = fake.Calls;
        Assert.Equal(RiskLevel.High, h.Run(3, CarInZone));
        Assert.Equal("floor", h.Risk.Current.RaisedBy);
        Assert.Null(h.Risk.Current.Model);
        var health = h.Model!.Health;
        Assert.Equal(ModelState.Degraded, health.State);
        Assert.Contains("boom", health.Message);
        Assert.Equal(30, fake.Calls - before);
        Assert.Equal(fake.Calls, health.Failures);
        Assert.Equal(1, log.Count(LogLevel.Warning, "Model failed"));
        Assert.DoesNotContain(h.Risk.ActiveFaults, f => f.Contains("model", StringComparison.OrdinalIgnoreCase)); // not a fault
    }

    [Fact]
    public void NaN_answer_is_a_failure_not_a_low_risk()
    {
        var (h, _, log) = Harness(m => m.AnswerNaN = true);
        Assert.Equal(RiskLevel.High, h.Run(3, CarInZone));
        Assert.Equal(ModelState.Degraded, h.Model!.Health.State);
        Assert.Contains("NaN", h.Model.Health.Message);
        Assert.Equal(1, log.Count(LogLevel.Warning, "Model failed"));
    }

    [Fact]
    public void A_failing_model_in_a_clear_world_is_low_not_fault()
    {
        var (h, _, _) = Harness(m => m.Throw = new InvalidOperationException("boom"));
        Assert.Equal(RiskLevel.Low, h.Run(3, ClearEmpty));
        Assert.Empty(h.Risk.ActiveFaults);
    }

    [Fact]
    public void Model_recovers_after_a_failure_and_logs_it()
    {
        var (h, fake, log) = Harness(m => m.Throw = new InvalidOperationException("boom"));
        h.Run(2.5, ClearEmpty); // 1.5 s of warm-up, then 1 s of failures
        fake.Throw = null;
        h.Run(1, ClearEmpty);
        Assert.Equal(ModelState.Running, h.Model!.Health.State);
        Assert.Equal(10, h.Model.Health.Failures);
        Assert.Equal(10, h.Model.Health.Runs);
        Assert.Equal(1, log.Count(LogLevel.Information, "Model recovered"));
    }

    [Fact]
    public void Onnx_model_answering_NaN_is_caught_through_onnx_runtime()
    {
        using var nan = OnnxRiskModel.Load(ModelFiles.Fixture("nan.onnx"), null);
        var log = new ListLogger();
        var h = new PipelineHarness(model: o => new ModelLayer(o, nan, log));
        Assert.Equal(RiskLevel.High, h.Run(3, CarInZone));
        Assert.Equal(ModelState.Degraded, h.Model!.Health.State);
        Assert.Equal(1, log.Count(LogLevel.Warning, "Model failed"));
    }

    [Fact]
    public void Features_are_finite_even_when_an_optional_role_is_silent()
    {
        var (h, fake, _) = Harness();
        h.Run(5, ClearEmpty); // the optional camera never speaks: its role is absent
        Assert.Equal(50 - 15, fake.Calls); // FakeModel asserts every feature is finite (after the 1.5 s warm-up)
    }

    [Fact]
    public void The_model_is_not_asked_while_the_required_sensors_are_silent()
    {
        var (h, fake, _) = Harness();
        h.Run(5, null); // nothing at all: the unit is FAULT, the model has no say
        Assert.Equal(0, fake.Calls);
        Assert.Equal("model abstains: sensor 'lidar' not heard yet", h.Pipeline.LastModelView!.Abstained);
    }
}
