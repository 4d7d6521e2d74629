using Kavach.Edge.Configuration;

namespace Kavach.Edge.Locomotive;

/// <summary>One return from a forward-looking sensor on the cab.</summary>
/// <param name="RangeM">Range, m.</param>
/// <param name="BearingDeg">Bearing off the direction of travel, degrees, right positive (0 for a single-beam sensor).</param>
/// <param name="ClosingSpeedMps">Doppler closing speed, m/s, positive approaching; NaN when the sensor gives none.</param>
public readonly record struct CabReturn(double RangeM, double BearingDeg, double ClosingSpeedMps);

/// <summary>What a return is, seen from a moving train.</summary>
public enum CabVerdict
{
    /// <summary>Outside the corridor and fixed to the ground (a platform, a pier, a mast, a trackside tree): not an obstacle.</summary>
    OffTrackStatic,

    /// <summary>Outside the corridor and moving (a road vehicle beside the line): not an obstacle on the track.</summary>
    OffTrackMoving,

    /// <summary>On the track, beyond the stopping distance plus margin but within reach: MEDIUM (slow down).</summary>
    Medium,

    /// <summary>On the track within the stopping distance plus margin: HIGH.</summary>
    High,
}

/// <summary>A classified return.</summary>
/// <param name="Verdict">What it is.</param>
/// <param name="AlongM">Distance ahead along the direction of travel, m.</param>
/// <param name="OffsetFromTrackM">Lateral distance from the track centre line, m.</param>
/// <param name="Stationary">The Doppler says it is fixed to the ground (null without a Doppler speed).</param>
/// <param name="StoppingDistanceM">S(v) at the train's speed, m.</param>
public readonly record struct CabClassification(
    CabVerdict Verdict,
    double AlongM,
    double OffsetFromTrackM,
    bool? Stationary,
    double StoppingDistanceM
)
{
    /// <summary>True for <see cref="CabVerdict.Medium"/> and <see cref="CabVerdict.High"/>.</summary>
    public bool IsObstacle => Verdict >= CabVerdict.Medium;
}

/// <summary>
/// Classifies returns seen from the cab (docs/locomotive.md): a return inside the corridor is an obstacle (HIGH within
/// S(v) + <see cref="TrainOptions.ObstacleMarginM"/>, MEDIUM beyond it); a return outside is not, whether stationary
/// (it closes at the train's own speed: static scene) or moving. Pure and thread-safe.
/// </summary>
public sealed class MovingObstacleClassifier(BrakingModel model, TrainOptions train)
{
    /// <summary>A return closing within this much (or 10 % of the speed) of v·cos(bearing) is fixed to the ground, m/s.</summary>
    public const double StationaryToleranceMps = 1;

    private readonly double _marginM = train.ObstacleMarginM;

    /// <summary>
    /// Classifies <paramref name="r"/> at own speed <paramref name="ownSpeedMps"/> in <paramref name="corridor"/>.
    /// With no trustworthy speed (NaN) the stopping distance is taken as infinite: every return on the track is HIGH
    /// (the most conservative assumption).
    /// </summary>
    public CabClassification Classify(in CabReturn r, double ownSpeedMps, in TrackCorridor corridor)
    {
        var bearing = r.BearingDeg * Math.PI / 180;
        var along = r.RangeM * Math.Cos(bearing);
        var lateral = r.RangeM * Math.Sin(bearing);
        var offset = Math.Abs(lateral - corridor.CentreLineOffsetM(along));
        var speedKnown = double.IsFinite(ownSpeedMps) && ownSpeedMps >= 0;
        bool? stationary =
            double.IsFinite(r.ClosingSpeedMps) && speedKnown
                ? Math.Abs(r.ClosingSpeedMps - ownSpeedMps * Math.Cos(bearing)) <= Math.Max(StationaryToleranceMps, 0.1 * ownSpeedMps)
                : null;
        var stopping = speedKnown ? model.StoppingDistanceM(ownSpeedMps) : double.PositiveInfinity;

        CabVerdict verdict;
        if (along < 0 || offset > corridor.HalfWidthM)
            verdict = stationary == false ? CabVerdict.OffTrackMoving : CabVerdict.OffTrackStatic;
        else
            verdict = along <= stopping + _marginM ? CabVerdict.High : CabVerdict.Medium;
        return new CabClassification(verdict, along, offset, stationary, stopping);
    }
}
