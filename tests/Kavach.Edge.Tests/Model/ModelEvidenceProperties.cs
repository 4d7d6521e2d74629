using CsCheck;
using Kavach.Edge.Assessment;
using Kavach.Edge.Fusion;
using Kavach.Edge.Model;
using Kavach.Edge.Tests.Support;
using Kavach.Protocols;

namespace Kavach.Edge.Tests.Model;

/// <summary>
/// "The model never invents an obstacle" as a property over random fusion windows and random model answers: when no
/// live sensor reports a return or target within the zone plus Model.EvidenceMarginM and no radar target closes under
/// the TTC threshold, the model's level is MEDIUM at most; and a window it abstains on never carries a level above LOW.
/// </summary>
public class ModelEvidenceProperties
{
    // ranges either side of the 160 m evidence line (150 m zone + 10 m margin), or nothing
    private static readonly Gen<float> Range = Gen.Frequency(
        (2, Gen.Const(float.NaN)),
        (3, Gen.Float[0.5f, 159.9f]),
        (5, Gen.Float[160.1f, 400f])
    );

    private static readonly Gen<SensorFeatures> Lidar = Gen.Select(
            Range,
            Range,
            Gen.Float[0f, 1f],
            Gen.Float[0f, 5000f],
            Gen.Int[0, 100],
            Gen.Bool
        )
        .Select(
            (near, far, ratio, strength, frames, live) =>
            {
                var f = new SensorFeatures();
                f.Clear(0, SensorKind.Lidar);
                f.EverSeen = true;
                f.Stale = !live && frames % 2 == 0;
                f.Frozen = !live && frames % 2 == 1;
                f.AgeS = 0.01f;
                f.LiveForS = 30;
                f.Frames = frames;
                f.ValidRatio = ratio;
                f.NearestM = float.IsNaN(near) || float.IsNaN(far) ? near : Math.Min(near, far);
                f.MedianM = f.ClusterRangeM = f.FarClusterRangeM = far;
                f.NearClusterRangeM = near;
                f.StrengthMedian = f.ClusterStrength = f.NearClusterStrength = f.FarClusterStrength = strength;
                f.ClusterPersistence = f.NearClusterPersistence = f.FarClusterPersistence = ratio;
                return f;
            }
        );

    private static readonly Gen<SensorFeatures> Radar = Gen.Select(Range, Range, Gen.Float[-30f, 40f], Gen.Int[0, 20], Gen.Bool)
        .Select(
            (range, near, closing, frames, live) =>
            {
                var f = new SensorFeatures();
                f.Clear(1, SensorKind.Radar);
                f.EverSeen = true;
                f.Stale = !live;
                f.AgeS = 0.05f;
                f.LiveForS = 30;
                f.Frames = frames;
                f.RangeM = f.LatestRangeM = range;
                f.NearTargetRangeM = near;
                f.ClosingSpeedMps = float.IsNaN(range) ? float.NaN : closing;
                f.SnrDb = 20;
                f.ValidRatio = float.IsNaN(range) ? 0 : 1;
                return f;
            }
        );

    [Fact]
    public void Without_a_return_in_the_zone_or_a_short_TTC_the_model_raises_MEDIUM_at_most()
    {
        var options = TestConfig.Valid();
        var risk = options.Risk;
        var line = risk.StoppingDistanceM + options.Model.EvidenceMarginM;
        var fake = new FakeModel();
        using var layer = new ModelLayer(options, fake, new ListLogger());
        var camera = new SensorFeatures();
        camera.Clear(2, SensorKind.Camera);
        camera.Stale = true;
        var withEvidence = 0;
        var without = 0;
        Gen.Select(Lidar, Radar, Gen.Float[0f, 1f], Gen.Int[0, 4])
            .Sample(
                (lidar, radar, p, fog) =>
                {
                    fake.ObstacleProbability = p;
                    fake.FogClass = fog;
                    var view = layer.Assess(new FusionSnapshot(0, [lidar, radar, camera]) { AllRequiredSeen = true })!;
                    var evidence =
                        (lidar.Live && lidar.NearestM <= line)
                        || (
                            radar.Live
                            && (
                                radar.RangeM <= line
                                || radar.NearTargetRangeM <= line
                                || (
                                    radar.ClosingSpeedMps >= risk.MinClosingSpeedMps
                                    && radar.RangeM / radar.ClosingSpeedMps < risk.TtcThresholdS
                                )
                            )
                        );
                    if (evidence)
                        withEvidence++;
                    else
                        without++;
                    if (view.Abstained is not null)
                        return view.Level == RiskLevel.Low && !view.Hazard && !view.Suspect;
                    return evidence || view.Level <= RiskLevel.Medium;
                },
                iter: 20_000
            );
        // both sides of the property were exercised, and the model did say HIGH when a sensor backed it
        Assert.True(withEvidence > 1000 && without > 1000, $"{withEvidence} windows with evidence, {without} without");
    }

    [Fact]
    public void With_a_return_in_the_zone_a_confident_model_is_HIGH()
    {
        var options = TestConfig.Valid();
        var fake = new FakeModel { ObstacleProbability = 0.9f };
        using var layer = new ModelLayer(options, fake, new ListLogger());
        Gen.Select(Lidar, Gen.Float[1f, 159.9f])
            .Sample(
                (lidar, inZone) =>
                {
                    lidar.Stale = lidar.Frozen = false;
                    lidar.Frames = Math.Max(lidar.Frames, 1);
                    lidar.NearestM = inZone;
                    var radar = new SensorFeatures();
                    radar.Clear(1, SensorKind.Radar);
                    radar.EverSeen = true;
                    radar.AgeS = 0.05f;
                    radar.LiveForS = 30;
                    radar.Frames = 10;
                    var camera = new SensorFeatures();
                    camera.Clear(2, SensorKind.Camera);
                    var view = layer.Assess(new FusionSnapshot(0, [lidar, radar, camera]) { AllRequiredSeen = true })!;
                    return view.Abstained is null && view.Level == RiskLevel.High;
                },
                iter: 2_000
            );
    }
}
