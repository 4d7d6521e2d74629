using Kavach.Edge.Assessment;
using Kavach.Edge.Sensors;
using Kavach.Edge.Tests.Support;
using Kavach.Protocols;

namespace Kavach.Edge.Tests.Assessment;

/// <summary>
/// The floor alone (no model) against a target only the LiDAR sees, through fusion → floor → risk state on a fake
/// clock. The post: a LiDAR commissioned at 2000 @ 60 m (floor 40), a radar that sees only the reflector at the far
/// end of the section (200 m, outside the 150 m zone: it reports nothing weaker, as with a high MinSnrDb).
/// </summary>
public class MovingTargetTests
{
    private const float Reflector = 200,
        Zone = 150;

    private static PipelineHarness NewPost(Dictionary<string, string?>? extra = null)
    {
        var o = new Dictionary<string, string?>
        {
            ["Risk:ReferenceRangeM"] = "200",
            ["Sensors:0:MinStrength"] = "40",
            ["Sensors:0:MaxStrength"] = "3500",
        };
        if (extra is not null)
            foreach (var kv in extra)
                o[kv.Key] = kv.Value;
        return new PipelineHarness(TestConfig.Valid(overrides: o));
    }

    /// <summary>
    /// One 100 ms tick of a 100 Hz LiDAR, sent before the harness advances the clock to <paramref name="tickEndS"/>:
    /// each frame stamped at its own time (10 ms apart, the last at the tick), its range from <paramref name="rangeAt"/>(seconds).
    /// </summary>
    private static void LidarFrames(PipelineHarness h, double tickEndS, Func<double, float?> rangeAt, float strength = 800)
    {
        var tickStart = h.Time.GetTimestamp();
        var i = h.IndexOf("lidar");
        for (var k = 0; k < 10; k++)
        {
            var offsetS = (k + 1) * 0.01;
            var r = Reading.Empty(i, SensorKind.Lidar, tickStart + (long)(offsetS * h.Time.TimestampFrequency));
            var d = rangeAt(tickEndS - 0.1 + offsetS);
            r.NoReturn = d is null;
            r.DistanceM = d ?? float.NaN;
            r.Strength = strength + k;
            h.Fusion.Add(r);
        }
        h.Radar("radar", Reflector + (float)(tickEndS * 7 % 1) * 0.05f, 0);
    }

    /// <summary>Clear air with the reflector seen by both for 2 s, then an object at 180 m closing at 10 m/s
    /// (LiDAR only, in front of the reflector). Returns the seconds from the object entering the zone to HIGH.</summary>
    private static double RunApproach(PipelineHarness h, out FloorAssessment atHigh)
    {
        const double appearS = 2,
            r0 = 180,
            speed = 10;
        var enterS = appearS + (r0 - Zone) / speed;
        double? highS = null;
        atHigh = null!;
        var tick = h.Options.Fusion.TickMs / 1000.0;
        for (var n = 1; n <= 80 && highS is null; n++)
        {
            var tEnd = n * tick;
            h.Run(tick, (x, _) =>
                LidarFrames(x, tEnd, t => t < appearS ? Reflector + (float)(t * 3 % 1) * 0.05f : (float)(r0 - speed * (t - appearS)))
            );
            if (h.Level == RiskLevel.High)
            {
                highS = tEnd;
                atHigh = h.Risk.LastFloor!;
            }
            else if (tEnd is > 1.5 and < appearS)
                Assert.Equal(RiskLevel.Low, h.Level); // after the start-up FAULT and its hold
        }
        Assert.True(highS is not null, $"never HIGH: {string.Join("; ", h.Risk.Current.Reasons)}");
        return highS!.Value - enterS;
    }

    [Fact]
    public void An_object_only_the_lidar_sees_is_high_by_the_time_it_enters_the_zone_with_ttc_from_the_track()
    {
        var h = NewPost();
        var delayS = RunApproach(h, out var f);
        // with its closing speed known it reaches the zone within the reaction time (2 s) before it enters: HIGH early
        Assert.True(delayS <= (h.Options.Risk.ConfirmMs + h.Options.Fusion.TickMs) / 1000.0 + 1e-9, $"HIGH {delayS:0.00} s after entering");
        Assert.Equal(ObstacleSource.Lidar, f.ObstacleSource);
        Assert.InRange(f.ClosingSpeedMps, 9.5, 10.5);
        Assert.Equal(f.ObstacleRangeM / f.ClosingSpeedMps, f.TtcS, 1e-6);
        Assert.Contains(h.Risk.Current.Reasons, r => r.Contains("(lidar)", StringComparison.Ordinal));
    }

    [Fact]
    public void By_the_zone_alone_it_is_high_within_confirm_plus_one_tick_of_entering()
    {
        // no TTC rules: only "in the zone" can raise it, so the delay is the zone rule's own
        var h = NewPost(new() { ["Risk:TtcThresholdS"] = "0", ["Risk:ReactionTimeS"] = "0" });
        var delayS = RunApproach(h, out var f);
        var confirmS = h.Options.Risk.ConfirmMs / 1000.0;
        Assert.InRange(delayS, confirmS - 1e-9, confirmS + h.Options.Fusion.TickMs / 1000.0 + 1e-9);
        Assert.True(f.InZone);
        Assert.InRange(f.ObstacleRangeM, Zone - 11, Zone);
    }

    [Fact]
    public void A_static_reflector_stays_the_reference_and_a_stalled_lidar_only_object_is_still_high()
    {
        var h = NewPost();
        h.Run(3, (x, t) => LidarFrames(x, (t + 1) * 0.1, s => Reflector + (float)(s * 3 % 1) * 0.05f));
        Assert.Equal(RiskLevel.Low, h.Level);
        Assert.Equal(ObstacleSource.None, h.Risk.LastFloor!.ObstacleSource);

        h.Run(2, (x, t) => LidarFrames(x, 3 + (t + 1) * 0.1, s => 60 + (float)(s * 3 % 1) * 0.05f));
        Assert.Equal(RiskLevel.High, h.Level);
        Assert.True(double.IsNaN(h.Risk.LastFloor!.ClosingSpeedMps)); // static: the cluster as before, no speed
    }

    [Fact]
    public void Fog_backscatter_forms_no_track_and_no_obstacle()
    {
        // dense fog: the reflector is lost; a weak false return at 1–8 m in every other frame at most (never two in
        // a row), here drifting outwards as a moving object would, and nothing in the other frames
        var h = NewPost();
        h.Run(3, (x, t) =>
            LidarFrames(x, (t + 1) * 0.1, s => ((int)Math.Round(s * 100)) % 2 == 0 ? 1 + (float)(s * 4 % 7) : null, strength: 60)
        );
        var f = h.Risk.LastFloor!;
        Assert.Equal(ObstacleSource.None, f.ObstacleSource);
        Assert.NotEqual(RiskLevel.High, h.Level);
        var snap = h.Fusion.Tick(h.Time.GetTimestamp());
        Assert.True(float.IsNaN(snap.Sensors[h.IndexOf("lidar")].TrackRangeM));
    }

    [Fact]
    public void A_weak_near_moving_return_without_radar_is_still_backscatter()
    {
        // the backscatter rule is unchanged for a track: near (≤ 10 m), weak (< 10 % of the baseline) and unconfirmed
        var h = NewPost();
        h.Run(3, (x, t) => LidarFrames(x, (t + 1) * 0.1, s => 9.5f - 2 * (float)s, strength: 60));
        var f = h.Risk.LastFloor!;
        Assert.True(f.BackscatterSeen);
        Assert.Equal(ObstacleSource.None, f.ObstacleSource);
    }
}
