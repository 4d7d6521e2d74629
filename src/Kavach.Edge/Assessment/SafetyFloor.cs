using System.Globalization;
using Kavach.Edge.Commissioning;
using Kavach.Edge.Configuration;
using Kavach.Edge.Fusion;
using Kavach.Protocols;

namespace Kavach.Edge.Assessment;

/// <summary>
/// The deterministic safety floor: physics only, no learning. The ONNX model may raise its level,
/// never lower it. Sources and reasoning: docs/safety-floor.md, docs/protocols.md §5.
/// <list type="bullet">
/// <item>Visibility from the LiDAR's two-way attenuation on a radar-confirmed target relative to the
/// clear-air baseline: S = S0(R)·exp(−2σR), S0(R) = B·(Rb/R)² ⇒ σ = ln(S0/S)/(2R); Koschmieder
/// V = ln(50)/σ = 3.912/σ. When the LiDAR loses a radar-confirmed target it would see in clear air,
/// S fell below the sensor's floor Smin, so V ≤ 3.912·2R/ln(S0(R)/Smin): an upper bound.</item>
/// <item>Camera visibility as reported. The most conservative (lowest) estimate wins.</item>
/// <item>Obstacles: radar targets (fog does not stop 77 GHz: ITU-R P.840) and persistent LiDAR returns,
/// static (a range cluster) or moving (a constant-speed track, whose slope is its closing speed);
/// LiDAR-only near, weak returns are fog backscatter; a static return at the commissioned reference
/// range is the reference, and one matching the commissioned static scene is that scene (<see cref="StaticScene"/>:
/// the same rule fusion uses to pass over the reference in a radar frame).</item>
/// </list>
/// Stateless and thread-safe.
/// </summary>
public sealed class SafetyFloor(KavachOptions options, ICommissionedScene? scene = null) : ISafetyFloor
{
    private readonly StaticScene _static = new(options, scene);

    private const double Koschmieder = 3.912; // ln(50): 2 % contrast threshold
    private const double MaxReportedVisibilityM = 10_000;

    public FloorAssessment Assess(FusionSnapshot snapshot)
    {
        var risk = options.Risk;
        var reasons = new List<string>(4);

        // ---- obstacles: radar
        double radarRange = double.NaN,
            radarSpeed = double.NaN;
        foreach (ref readonly var f in snapshot.Sensors.AsSpan())
        {
            if (f.Kind != SensorKind.Radar || !f.Live || f.ValidRatio < risk.MinRadarPresence || float.IsNaN(f.RangeM))
                continue;
            var speed = float.IsNaN(f.ClosingSpeedMps) ? 0 : f.ClosingSpeedMps;
            if (_static.IsStaticRadar(f.Sensor, f.RangeM, speed, f.SnrDb))
                continue;
            if (double.IsNaN(radarRange) || f.RangeM < radarRange)
            {
                radarRange = f.RangeM;
                radarSpeed = speed;
            }
        }

        // ---- obstacles: LiDAR (persistent near cluster, or a moving track)
        double lidarRange = double.NaN,
            lidarSpeed = double.NaN;
        var backscatter = false;
        foreach (ref readonly var f in snapshot.Sensors.AsSpan())
        {
            if (f.Kind != SensorKind.Lidar || !f.Live)
                continue;
            var so = options.Sensors[f.Sensor];
            if (!float.IsNaN(f.NearClusterRangeM))
                OfferLidar(
                    snapshot,
                    f.Sensor,
                    so,
                    f.NearClusterRangeM,
                    float.NaN,
                    f.NearClusterStrength,
                    ref lidarRange,
                    ref lidarSpeed,
                    ref backscatter
                );
            // a track that does not move is the static cluster already (judged above, exactly as before)
            if (!float.IsNaN(f.TrackRangeM) && Math.Abs(f.TrackClosingSpeedMps) >= risk.MinClosingSpeedMps)
                OfferLidar(
                    snapshot,
                    f.Sensor,
                    so,
                    f.TrackRangeM,
                    f.TrackClosingSpeedMps,
                    f.TrackStrength,
                    ref lidarRange,
                    ref lidarSpeed,
                    ref backscatter
                );
        }

        var source = ObstacleSource.None;
        double range = double.NaN,
            closing = double.NaN;
        if (!double.IsNaN(radarRange))
        {
            source |= ObstacleSource.Radar;
            range = radarRange;
            closing = radarSpeed;
        }
        if (!double.IsNaN(lidarRange))
        {
            if (double.IsNaN(range) || Math.Abs(lidarRange - range) <= risk.ConfirmToleranceM)
                source |= ObstacleSource.Lidar;
            if (double.IsNaN(range) || lidarRange < range - risk.ConfirmToleranceM)
            {
                source = ObstacleSource.Lidar;
                range = lidarRange;
                closing = lidarSpeed; // a TF LiDAR measures no speed: a track's slope gives one, a static cluster none (NaN)
            }
        }

        var approachingNow = !double.IsNaN(closing) && closing > risk.MinClosingSpeedMps;
        var ttc = approachingNow ? range / closing : double.PositiveInfinity;
        var inZone = source != ObstacleSource.None && range <= risk.StoppingDistanceM;
        var timeToZone =
            approachingNow && range > risk.StoppingDistanceM ? (range - risk.StoppingDistanceM) / closing : double.PositiveInfinity;
        var ttcBelow = ttc < risk.TtcThresholdS || timeToZone < risk.ReactionTimeS;
        var approaching = approachingNow && !inZone;

        if (inZone)
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"obstacle {range:0} m in zone ({SourceName(source)})"));
        if (ttc < risk.TtcThresholdS)
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"obstacle {range:0} m, TTC {ttc:0.0} s ({SourceName(source)})"));
        else if (ttcBelow)
            reasons.Add(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"obstacle {range:0} m at {closing:0.0} m/s reaches the zone in {timeToZone:0.0} s ({SourceName(source)})"
                )
            );
        else if (approaching)
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"obstacle approaching at {range:0} m, {closing:0.0} m/s"));

        // ---- visibility
        var (vis, bound, visSource) = EstimateVisibility(snapshot, radarRangeAny: NearestRadarRangeAny(snapshot));
        var level = RiskLevel.Low;
        if (inZone || ttcBelow)
            level = RiskLevel.High;
        else if (approaching || (!double.IsNaN(vis) && vis <= risk.MediumVisibilityM))
            level = RiskLevel.Medium;
        if (!double.IsNaN(vis) && vis <= risk.MediumVisibilityM)
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"visibility {(bound ? "≤ " : "")}{vis:0} m ({visSource})"));

        return new FloorAssessment
        {
            VisibilityM = vis,
            VisibilityIsBound = bound,
            VisibilitySource = visSource,
            ObstacleSource = source,
            ObstacleRangeM = range,
            ClosingSpeedMps = closing,
            TtcS = ttc,
            InZone = inZone,
            TtcBelow = ttcBelow,
            Approaching = approaching,
            BackscatterSeen = backscatter,
            Level = level,
            Reasons = reasons,
        };
    }

    private (double Vis, bool Bound, string Source) EstimateVisibility(FusionSnapshot snapshot, double radarRangeAny)
    {
        var risk = options.Risk;
        double best = double.NaN;
        var bound = false;
        var source = "none";

        void Offer(double v, bool isBound, string src)
        {
            if (double.IsNaN(v))
                return;
            v = Math.Min(v, MaxReportedVisibilityM);
            if (double.IsNaN(best) || v < best)
            {
                best = v;
                bound = isBound;
                source = src;
            }
        }

        foreach (ref readonly var f in snapshot.Sensors.AsSpan())
        {
            if (!f.Live)
                continue;
            if (f.Kind == SensorKind.Camera && !float.IsNaN(f.VisibilityM))
                Offer(f.VisibilityM, false, "camera");
            if (f.Kind != SensorKind.Lidar)
                continue;
            var so = options.Sensors[f.Sensor];
            if (so.BaselineStrength <= 0)
                continue; // not commissioned: no attenuation estimate

            // a radar-confirmed dominant return with a strength: measure the attenuation on it
            if (f.ClusterPersistence >= 0.2 && !float.IsNaN(f.ClusterStrength) && RadarConfirms(snapshot, f.ClusterRangeM))
            {
                var r = f.ClusterRangeM;
                var s0 = Baseline(so, r);
                if (s0 >= so.MaxStrength || f.ClusterStrength >= so.MaxStrength)
                    continue; // saturated: no measure
                var sigma = Math.Max(0, Math.Log(s0 / Math.Max(f.ClusterStrength, 1e-3)) / (2 * r));
                Offer(sigma <= 0 ? MaxReportedVisibilityM : Koschmieder / sigma, false, "lidar");
            }
            else if (!double.IsNaN(radarRangeAny) && Reaches(so, radarRangeAny) && LidarBlind(f))
            {
                // the radar sees a target the LiDAR would return in clear air, and the LiDAR does not:
                // its strength fell below the sensor's floor, which bounds the extinction from below
                // (a target beyond the LiDAR's reach is one it would not return in clear air either: no bound)
                var r = radarRangeAny;
                var s0 = Math.Min(Baseline(so, r), so.MaxStrength);
                if (s0 > so.MinStrength * 1.5)
                    Offer(Koschmieder * 2 * r / Math.Log(s0 / Math.Max(so.MinStrength, 1)), true, "lidar-bound");
            }
        }
        return (best, bound, source);
    }

    // One LiDAR obstacle candidate (a cluster with no speed, or a track with its own) through the unchanged rules:
    // a static return at the reference range or at a commissioned static return is the scene; a near, weak,
    // unconfirmed return is backscatter.
    private void OfferLidar(
        FusionSnapshot snapshot,
        int sensor,
        SensorOptions so,
        double r,
        double speed,
        double strength,
        ref double lidarRange,
        ref double lidarSpeed,
        ref bool backscatter
    )
    {
        if (_static.IsStaticLidar(sensor, r, speed, strength))
            return;
        if (r <= options.Risk.BackscatterMaxRangeM && !RadarConfirms(snapshot, r) && IsWeak(so, r, strength))
        {
            backscatter = true;
            return;
        }
        if (double.IsNaN(lidarRange) || r < lidarRange)
        {
            lidarRange = r;
            lidarSpeed = speed;
        }
    }

    /// <summary>Frames in the window a LiDAR must have sent (with no far return) to count as blinded by fog.</summary>
    private const int MinBlindFrames = 3;

    // The LiDAR sees nothing beyond backscatter range: no persistent far return at all. (While an
    // obstacle replaces the reference in the window the LiDAR still sees something: no bound then.)
    private bool LidarBlind(in SensorFeatures f)
    {
        // a LiDAR that sent nothing in the window (a stalled link, not yet stale) is not blind: it said nothing
        if (f.Frames < MinBlindFrames)
            return false;
        var near = options.Risk.BackscatterMaxRangeM;
        var dominantFar = !float.IsNaN(f.ClusterRangeM) && f.ClusterRangeM > near && f.ClusterPersistence >= 0.2;
        var nearestFar = !float.IsNaN(f.NearClusterRangeM) && f.NearClusterRangeM > near;
        return !dominantFar && !nearestFar;
    }

    /// <summary>The target lies within the LiDAR's datasheet reach (<see cref="SensorOptions.MaxRangeM"/>; 0 = unknown, no
    /// limit).</summary>
    internal static bool Reaches(SensorOptions so, double rangeM) => so.MaxRangeM <= 0 || rangeM <= so.MaxRangeM;

    private static double Baseline(SensorOptions so, double rangeM) =>
        so.BaselineStrength * (so.BaselineRangeM / rangeM) * (so.BaselineRangeM / rangeM);

    private bool IsWeak(SensorOptions so, double rangeM, double strength)
    {
        if (so.BaselineStrength <= 0 || double.IsNaN(strength))
            return true; // unconfirmed and unmeasurable: backscatter
        // a real object this near returns at least a fair fraction of the clear-air baseline (capped at saturation)
        return strength < options.Risk.BackscatterStrengthFraction * Math.Min(Baseline(so, rangeM), so.MaxStrength);
    }

    private bool RadarConfirms(FusionSnapshot snapshot, double rangeM)
    {
        foreach (ref readonly var f in snapshot.Sensors.AsSpan())
            if (
                f.Kind == SensorKind.Radar
                && f.Live
                && !float.IsNaN(f.RangeM)
                && Math.Abs(f.RangeM - rangeM) <= Math.Max(options.Risk.ConfirmToleranceM, 0.05 * rangeM)
            )
                return true;
        return false;
    }

    private double NearestRadarRangeAny(FusionSnapshot snapshot)
    {
        var best = double.NaN;
        foreach (ref readonly var f in snapshot.Sensors.AsSpan())
            if (
                f.Kind == SensorKind.Radar
                && f.Live
                && f.ValidRatio >= options.Risk.MinRadarPresence
                && !float.IsNaN(f.RangeM)
                && (double.IsNaN(best) || f.RangeM < best)
            )
                best = f.RangeM;
        return best;
    }

    public static string SourceName(ObstacleSource s) =>
        s switch
        {
            ObstacleSource.Radar => "radar",
            ObstacleSource.Lidar => "lidar",
            ObstacleSource.Radar | ObstacleSource.Lidar => "radar+lidar",
            _ => "none",
        };
}
