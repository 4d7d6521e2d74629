using System.Globalization;
using Kavach.Edge.Assessment;
using Kavach.Edge.Configuration;
using Kavach.Edge.Fusion;
using Kavach.Protocols;

namespace Kavach.Edge.Locomotive;

/// <summary>What the cab's floor adds to an assessment: the train's speed against what can be seen.</summary>
/// <param name="OwnSpeedKmh">The train's speed, km/h (NaN: no trustworthy speed).</param>
/// <param name="SpeedTrust">Why the speed can or cannot be used.</param>
/// <param name="Sight">The stop-within-sight speed and the distances it came from (NaN speed: visibility unknown).</param>
/// <param name="OverSpeed">The over-speed MEDIUM stands.</param>
/// <param name="RadiusM">Signed curve radius the corridor was built on, m (+∞: straight or unknown).</param>
/// <param name="CoveredM">How far ahead the longest-reaching working sensor's view stays on the track, m.</param>
/// <param name="Route">The route at the tick (null: none loaded).</param>
public sealed record CabView(
    double OwnSpeedKmh,
    SpeedTrust SpeedTrust,
    SightSpeed Sight,
    bool OverSpeed,
    double RadiusM,
    double CoveredM,
    Route.RouteView? Route = null
)
{
    /// <summary>The stop-within-sight speed, km/h rounded down (NaN when the visibility is unknown).</summary>
    public double SightSpeedKmh => double.IsFinite(Sight.SpeedMps) ? Sight.FloorKmh : double.NaN;
}

/// <summary>
/// The safety floor of a unit in a locomotive cab (docs/locomotive.md): the same deterministic layer, judging a moving
/// scene. Visibility comes from the trackside floor's estimator (camera, LiDAR attenuation) unchanged. Obstacles come
/// from the forward sensors through the corridor (<see cref="MovingObstacleClassifier"/>): a return on the track ahead
/// within S(v) + margin is HIGH, beyond it MEDIUM, and a return beside the track (a mast, a platform, a tree on the
/// outside of a curve) is nothing; the static scene of a trackside post (reference, commissioned returns) does not
/// exist on a moving train and is not used. Running faster than the stop-within-sight speed in fog is MEDIUM
/// (<see cref="OverSpeedEvaluator"/>). Without a trustworthy speed the obstacle warning stays on with S(v) infinite
/// and the reasons say so. Not stateless, unlike the trackside floor: the over-speed confirmation keeps time, so one
/// caller only (the pipeline's tick).
/// </summary>
public sealed class LocomotiveFloor : ISafetyFloor
{
    private readonly KavachOptions _options;
    private readonly ISafetyFloor _visibility;
    private readonly Func<FusionSnapshot, OwnMotion> _motion;
    private readonly BrakingModel _model;
    private readonly MovingObstacleClassifier _classifier;
    private readonly OverSpeedEvaluator _overSpeed;
    private readonly double[] _reaches;
    private readonly List<(float RangeM, float ClosingSpeedMps)> _angleless = new(4);

    /// <param name="options">The configuration (Train section, sensors' MaxRangeM, Risk's backscatter and presence rules).</param>
    /// <param name="time">The clock of the over-speed confirmation.</param>
    /// <param name="motion">The train's motion at a snapshot (the fusion snapshot's GNSS).</param>
    /// <param name="visibility">The visibility estimator (default: the trackside floor, of which only visibility is read).</param>
    public LocomotiveFloor(
        KavachOptions options,
        TimeProvider time,
        Func<FusionSnapshot, OwnMotion> motion,
        ISafetyFloor? visibility = null
    )
    {
        _options = options;
        _motion = motion;
        _visibility = visibility ?? new SafetyFloor(options);
        _model = new BrakingModel(options.Train);
        _classifier = new MovingObstacleClassifier(_model, options.Train);
        _overSpeed = new OverSpeedEvaluator(options.Train, time);
        _reaches = new double[options.Sensors.Count];
    }

    /// <summary>The braking model the floor judges with.</summary>
    public BrakingModel Model => _model;

    public FloorAssessment Assess(FusionSnapshot snapshot) => Judge(snapshot, _motion(snapshot));

    /// <summary>The assessment of <paramref name="snapshot"/> at own motion <paramref name="motion"/>.</summary>
    public FloorAssessment Judge(FusionSnapshot snapshot, OwnMotion motion)
    {
        var train = _options.Train;
        var risk = _options.Risk;
        var seen = _visibility.Assess(snapshot);
        var vis = seen.VisibilityM;
        var reasons = new List<string>(4);

        // the working ranging sensors and their reach (an unknown reach, MaxRangeM 0, adds nothing to the sight distance)
        var n = 0;
        var longest = 0.0;
        foreach (ref readonly var f in snapshot.Sensors.AsSpan())
            if (f.Live && f.Kind is SensorKind.Lidar or SensorKind.Radar && _options.Sensors[f.Sensor].MaxRangeM > 0)
                longest = Math.Max(longest, _reaches[n++] = _options.Sensors[f.Sensor].MaxRangeM);
        var sight = StopWithinSight.Compute(_model, vis, _reaches.AsSpan(0, n));

        var speedKmh = motion.Trusted ? motion.SpeedMps * BrakingModel.KmhPerMps : double.NaN;
        var over = _overSpeed.Evaluate(speedKmh, sight);
        var radius = motion.Trusted ? TrackCorridor.CurveRadiusM(motion.SpeedMps, motion.HeadingRateDegPerS) : double.PositiveInfinity;

        // obstacles: the nearest return in the corridor over every working forward sensor
        CabClassification? nearest = null;
        var source = ObstacleSource.None;
        var closing = double.NaN;
        var covered = 0.0;
        var backscatter = false;
        var inFog = !double.IsNaN(vis) && vis < train.FogVisibilityM;
        var angleless = _angleless;
        angleless.Clear();
        // radars first (an angle-less radar's targets wait for a LiDAR to confirm them), then LiDARs
        for (var pass = 0; pass < 2; pass++)
            foreach (ref readonly var f in snapshot.Sensors.AsSpan())
            {
                if (!f.Live || f.Kind != (pass == 0 ? SensorKind.Radar : SensorKind.Lidar))
                    continue;
                var so = _options.Sensors[f.Sensor];
                var reach = so.MaxRangeM > 0 ? so.MaxRangeM : double.PositiveInfinity;
                var corridor = TrackCorridor.For(radius, train.CorridorHalfWidthM, reach);
                if (double.IsFinite(corridor.CoveredLengthM))
                    covered = Math.Max(covered, corridor.CoveredLengthM);
                if (f.Kind == SensorKind.Radar)
                {
                    if (f.ValidRatio < risk.MinRadarPresence || float.IsNaN(f.RangeM))
                        continue;
                    // everything ahead of a moving train closes: the window's median range lags half a window behind the
                    // latest (5 m at 40 km/h), so the cab judges the latest range
                    var range = float.IsNaN(f.LatestRangeM) ? f.RangeM : f.LatestRangeM;
                    // a radar with angles gives the target's offset across the boresight, hence its bearing. One without
                    // (an OPS243) cannot tell a mast beside the line from a car on it: alone it would light the lamp at every
                    // mast, so its target counts only where a LiDAR return confirms it (docs/locomotive.md)
                    if (float.IsNaN(f.LateralM))
                    {
                        angleless.Add((range, f.ClosingSpeedMps));
                        continue;
                    }
                    var bearing = Math.Asin(Math.Clamp(f.LateralM / range, -1, 1)) * 180 / Math.PI;
                    Offer(new CabReturn(range, bearing, f.ClosingSpeedMps), ObstacleSource.Radar, corridor);
                    continue;
                }

                // LiDAR: a return that persists along a constant-speed line (what a fixed object ahead of a moving train
                // is), else the nearest persistent cluster (a train standing still, or an object moving with it)
                double r = f.TrackRangeM,
                    v = f.TrackClosingSpeedMps;
                if (float.IsNaN(f.TrackRangeM))
                {
                    r = f.NearClusterRangeM;
                    v = double.NaN;
                }
                if (double.IsNaN(r))
                    continue;
                // a near, LiDAR-only return in fog is backscatter (the trackside rule, without a commissioned baseline)
                if (inFog && r <= risk.BackscatterMaxRangeM && !RadarSees(snapshot, r))
                {
                    backscatter = true;
                    continue;
                }
                Offer(new CabReturn(r, 0, v), ObstacleSource.Lidar, corridor);
                foreach (var (range, closing2) in angleless)
                    if (Math.Abs(range - r) <= risk.ConfirmToleranceM)
                        Offer(new CabReturn(range, 0, closing2), ObstacleSource.Radar, corridor);
            }

        // A LiDAR's single beam cannot tell whether what it hits is on the track: approaching a curve it meets the
        // trees and masts where the line bends away, which the GNSS course cannot know yet. Where a radar that gives
        // angles covers that range and sees nothing on the track there, a LiDAR-only return is MEDIUM, not HIGH.
        var unconfirmed = false;
        if (nearest is { Verdict: CabVerdict.High } lone && source == ObstacleSource.Lidar && AngleRadarCovers(snapshot, lone.AlongM))
        {
            nearest = lone with { Verdict = CabVerdict.Medium };
            unconfirmed = true;
        }

        var level = RiskLevel.Low;
        if (nearest is { } o)
        {
            level = o.Verdict == CabVerdict.High ? RiskLevel.High : RiskLevel.Medium;
            reasons.Add(
                double.IsFinite(o.StoppingDistanceM)
                    ? string.Create(
                        CultureInfo.InvariantCulture,
                        $"obstacle {o.AlongM:0} m ahead on the track ({SourceName(source)}), {(o.Verdict == CabVerdict.High || unconfirmed ? "within" : "beyond")} the stopping distance {o.StoppingDistanceM:0} m + {train.ObstacleMarginM:0} m at {Math.Round(speedKmh):0} km/h{(unconfirmed ? "; LiDAR only, the radar sees nothing on the track there: MEDIUM" : "")}"
                    )
                    : string.Create(
                        CultureInfo.InvariantCulture,
                        $"obstacle {o.AlongM:0} m ahead on the track ({SourceName(source)}), own speed unknown: taken as inside the stopping distance"
                    )
            );
        }

        if (over.Medium)
            level = RiskLevels.Max(level, RiskLevel.Medium);
        // a speed restriction ahead, within its warning distance or time, that the train runs faster than (docs/route.md)
        if (motion.Trusted && snapshot.Route is { } route)
            foreach (ref readonly var a in route.Ahead.Span)
                if (Route.LandmarkWarning.RestrictionExceeded(a, speedKmh, _options.Route))
                {
                    level = RiskLevels.Max(level, RiskLevel.Medium);
                    reasons.Add(
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"speed restriction {a.Landmark.SpeedLimitKmh:0} km/h ({a.Landmark.Name}) {a.DistanceM:0} m ahead, running at {Math.Round(speedKmh):0} km/h"
                        )
                    );
                    break;
                }
        if (over.Medium || over.Status != OverSpeedStatus.Judged)
            reasons.Add(over.Describe());
        if (!motion.Trusted)
            reasons.Add($"own speed unknown (gnss: {SpeedTrustName(motion.Trust)}): every return on the track is HIGH");
        if (double.IsFinite(radius) && covered < longest)
            reasons.Add(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"curve R {Math.Abs(radius):0} m: the sensors cover {covered:0} m of the track ahead"
                )
            );

        return new FloorAssessment
        {
            VisibilityM = vis,
            VisibilityIsBound = seen.VisibilityIsBound,
            VisibilitySource = seen.VisibilitySource,
            ObstacleSource = source,
            ObstacleRangeM = nearest?.AlongM ?? double.NaN,
            ClosingSpeedMps = closing,
            TtcS = nearest is { } c && closing > risk.MinClosingSpeedMps ? c.AlongM / closing : double.PositiveInfinity,
            InZone = nearest?.Verdict == CabVerdict.High,
            Approaching = nearest?.Verdict == CabVerdict.Medium,
            BackscatterSeen = backscatter,
            Level = level,
            Reasons = reasons,
            Cab = new CabView(speedKmh, motion.Trust, sight, over.Medium, radius, covered, snapshot.Route),
        };

        void Offer(CabReturn ret, ObstacleSource from, in TrackCorridor corridor)
        {
            var c = _classifier.Classify(ret, motion.Trusted ? motion.SpeedMps : double.NaN, corridor);
            if (!c.IsObstacle)
                return;
            if (nearest is { } best && Math.Abs(best.AlongM - c.AlongM) <= risk.ConfirmToleranceM)
            {
                source |= from;
                return;
            }
            if (nearest is null || c.AlongM < nearest.Value.AlongM)
            {
                nearest = c;
                source = from;
                closing = ret.ClosingSpeedMps;
            }
        }
    }

    private bool AngleRadarCovers(FusionSnapshot snapshot, double rangeM)
    {
        foreach (ref readonly var f in snapshot.Sensors.AsSpan())
        {
            if (f.Kind != SensorKind.Radar || !f.Live)
                continue;
            var so = _options.Sensors[f.Sensor];
            if (so.Protocol.GivesBearing && so.MaxRangeM >= rangeM)
                return true;
        }
        return false;
    }

    private bool RadarSees(FusionSnapshot snapshot, double rangeM)
    {
        foreach (ref readonly var f in snapshot.Sensors.AsSpan())
            if (
                f.Kind == SensorKind.Radar
                && f.Live
                && !float.IsNaN(f.RangeM)
                && Math.Abs(f.RangeM - rangeM) <= _options.Risk.ConfirmToleranceM
            )
                return true;
        return false;
    }

    private static string SourceName(ObstacleSource s) =>
        s switch
        {
            ObstacleSource.Radar | ObstacleSource.Lidar => "radar+lidar",
            ObstacleSource.Radar => "radar",
            _ => "lidar",
        };

    /// <summary>The name of a trust state as shown and stored ("stale", "no-fix").</summary>
    public static string SpeedTrustName(SpeedTrust t) =>
        t switch
        {
            SpeedTrust.Trusted => "trusted",
            SpeedTrust.NeverSeen => "never-seen",
            SpeedTrust.NoFix => "no-fix",
            SpeedTrust.DeadReckoning => "dead-reckoning",
            SpeedTrust.PoorGeometry => "poor-geometry",
            _ => "stale",
        };
}
