using Kavach.Edge.Configuration;
using Kavach.Edge.Locomotive;
using Microsoft.Extensions.Time.Testing;

namespace Kavach.Edge.Tests.Locomotive;

public sealed class OverSpeedEvaluatorTests
{
    // t = 5 s, a = 0.5 m/s²: stop-within-sight speed 36 km/h at 150 m (see StopWithinSightTests).
    private static readonly TrainOptions Train = new()
    {
        ReactionTimeS = 5,
        EmergencyDecelerationMps2 = 0.5,
        ServiceDecelerationMps2 = 0.5,
        OverSpeedConfirmMs = 2000,
        OverSpeedHysteresisKmh = 5,
        FogVisibilityM = 1000,
    };

    private static readonly BrakingModel Model = new(Train);

    private static SightSpeed Fog150 => StopWithinSight.Compute(Model, 150, [180]);

    [Fact]
    public void Medium_only_after_running_over_the_sight_speed_for_the_confirm_time_and_names_both_speeds()
    {
        var time = new FakeTimeProvider();
        var e = new OverSpeedEvaluator(Train, time);
        Assert.False(e.Evaluate(50, Fog150).Medium);
        time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(e.Evaluate(50, Fog150).Medium);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var r = e.Evaluate(50, Fog150);
        Assert.True(r.Medium);
        Assert.Equal(OverSpeedStatus.Judged, r.Status);
        Assert.Equal(36, r.LimitKmh, 9);
        Assert.Equal(
            "running 50 km/h, above 36 km/h, the speed that stops within 150 m (limited by visibility 150 m; sensor reach 180 m)",
            r.Describe()
        );
    }

    [Fact]
    public void A_dip_below_the_sight_speed_restarts_the_confirm_time()
    {
        var time = new FakeTimeProvider();
        var e = new OverSpeedEvaluator(Train, time);
        e.Evaluate(40, Fog150);
        time.Advance(TimeSpan.FromMilliseconds(1500));
        e.Evaluate(35, Fog150);
        time.Advance(TimeSpan.FromMilliseconds(1500));
        Assert.False(e.Evaluate(40, Fog150).Medium);
        time.Advance(TimeSpan.FromMilliseconds(2000));
        Assert.True(e.Evaluate(40, Fog150).Medium);
    }

    [Fact]
    public void Clears_only_below_the_hysteresis_band_for_the_confirm_time()
    {
        var time = new FakeTimeProvider();
        var e = new OverSpeedEvaluator(Train, time);
        e.Evaluate(50, Fog150);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(e.Evaluate(50, Fog150).Medium);

        // 33 km/h is under 36 but inside the 5 km/h band: stays.
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(e.Evaluate(33, Fog150).Medium);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(e.Evaluate(33, Fog150).Medium);

        // 30 km/h is below 36 − 5: clears after the confirm time.
        Assert.True(e.Evaluate(30, Fog150).Medium);
        time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.True(e.Evaluate(30, Fog150).Medium);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(e.Evaluate(30, Fog150).Medium);
    }

    [Fact]
    public void Out_of_fog_there_is_no_over_speed_warning_and_a_lifting_fog_clears_it()
    {
        var time = new FakeTimeProvider();
        var e = new OverSpeedEvaluator(Train, time);
        var clear = StopWithinSight.Compute(Model, 1500, [180]); // sensors limit to 180 m, but it is not fog
        e.Evaluate(100, clear);
        time.Advance(TimeSpan.FromSeconds(5));
        var r = e.Evaluate(100, clear);
        Assert.False(r.Medium);
        Assert.False(r.InFog);
        // S = 180 m ⇔ v² + 5v − 180 = 0 ⇔ v = (−5 + √745) / 2 = 11.147 m/s = 40.1 km/h.
        Assert.Equal(
            "at 100 km/h; stop-within-sight speed 40 km/h, stopping within 180 m (limited by sensor reach 180 m; visibility 1500 m)",
            r.Describe()
        );

        e.Evaluate(100, Fog150);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(e.Evaluate(100, Fog150).Medium);
        e.Evaluate(100, clear);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(e.Evaluate(100, clear).Medium);
    }

    [Fact]
    public void Missing_speed_or_visibility_keeps_the_state_and_says_what_is_missing()
    {
        var time = new FakeTimeProvider();
        var e = new OverSpeedEvaluator(Train, time);
        e.Evaluate(50, Fog150);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(e.Evaluate(50, Fog150).Medium);

        time.Advance(TimeSpan.FromSeconds(30));
        var lost = e.Evaluate(double.NaN, Fog150);
        Assert.True(lost.Medium); // never cleared on missing data
        Assert.Equal(OverSpeedStatus.SpeedUnknown, lost.Status);
        Assert.Contains("own speed unknown", lost.Describe());

        var blind = e.Evaluate(20, StopWithinSight.Compute(Model, double.NaN, [180]));
        Assert.True(blind.Medium);
        Assert.Equal(OverSpeedStatus.VisibilityUnknown, blind.Status);

        // A fresh evaluator without data raises nothing (no evidence), but names the degradation.
        var fresh = new OverSpeedEvaluator(Train, time);
        time.Advance(TimeSpan.FromSeconds(10));
        var r = fresh.Evaluate(double.NaN, Fog150);
        Assert.False(r.Medium);
        Assert.Equal(OverSpeedStatus.SpeedUnknown, r.Status);
    }
}
