using Kavach.Edge.Configuration;

namespace Kavach.Edge.Locomotive;

/// <summary>Which brake application a stopping distance assumes.</summary>
public enum BrakeApplication
{
    /// <summary>Emergency braking: the shortest stop the train can make.</summary>
    Emergency,

    /// <summary>Full service braking.</summary>
    Service,
}

/// <summary>
/// Stopping distance of the train from the moment of a warning (docs/locomotive.md):
/// S(v) = v·t + v² / (2·a), with t the reaction time (driver response and brake build-up, at constant speed) and
/// a the brake's deceleration plus the gradient term g·gradient/1000 (falling gradients negative). Immutable and
/// thread-safe; pure functions of its options.
/// </summary>
public sealed class BrakingModel
{
    private readonly double _reactionS;
    private readonly double _emergencyMps2;
    private readonly double _serviceMps2;

    /// <summary>A model from the <c>Train</c> section (its defaults when the section is absent).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A deceleration that, with the gradient, is not positive.</exception>
    public BrakingModel(TrainOptions train)
    {
        _reactionS = train.ReactionTimeS;
        _emergencyMps2 = train.EffectiveDecelerationMps2(emergency: true);
        _serviceMps2 = train.EffectiveDecelerationMps2(emergency: false);
        if (!(_emergencyMps2 > 0) || !(_serviceMps2 > 0) || !(_reactionS >= 0))
            throw new ArgumentOutOfRangeException(nameof(train), "reaction time must be ≥ 0 and the decelerations, with the gradient, > 0");
    }

    /// <summary>Reaction time, s.</summary>
    public double ReactionTimeS => _reactionS;

    /// <summary>Effective deceleration of an application, m/s² (gradient included).</summary>
    public double DecelerationMps2(BrakeApplication brake) => brake == BrakeApplication.Service ? _serviceMps2 : _emergencyMps2;

    /// <summary>Distance run during the reaction time, m.</summary>
    public double ReactionDistanceM(double speedMps) => Math.Max(0, speedMps) * _reactionS;

    /// <summary>Distance run while braking from <paramref name="speedMps"/> to a stop, m.</summary>
    public double BrakingDistanceM(double speedMps, BrakeApplication brake = BrakeApplication.Emergency)
    {
        var v = Math.Max(0, speedMps);
        return v * v / (2 * DecelerationMps2(brake));
    }

    /// <summary>S(v): reaction plus braking distance from <paramref name="speedMps"/>, m (0 for v ≤ 0; NaN stays NaN).</summary>
    public double StoppingDistanceM(double speedMps, BrakeApplication brake = BrakeApplication.Emergency) =>
        double.IsNaN(speedMps) ? double.NaN : ReactionDistanceM(speedMps) + BrakingDistanceM(speedMps, brake);

    /// <summary>
    /// The inverse of S: the highest speed whose stopping distance is at most <paramref name="distanceM"/>, m/s
    /// (0 for a distance ≤ 0). Solves v·t + v²/(2a) = D as v = 2D / (t + √(t² + 2D/a)), the form without cancellation.
    /// </summary>
    public double SpeedForDistanceMps(double distanceM, BrakeApplication brake = BrakeApplication.Emergency)
    {
        if (double.IsNaN(distanceM))
            return double.NaN;
        if (distanceM <= 0)
            return 0;
        if (double.IsPositiveInfinity(distanceM))
            return double.PositiveInfinity;
        var a = DecelerationMps2(brake);
        var v = 2 * distanceM / (_reactionS + Math.Sqrt(_reactionS * _reactionS + 2 * distanceM / a));
        // Rounding may leave S(v) a hair above D; step down so the promise "stops within D" holds exactly.
        while (v > 0 && StoppingDistanceM(v, brake) > distanceM)
            v = Math.BitDecrement(v);
        return v;
    }

    /// <summary>km/h per m/s.</summary>
    public const double KmhPerMps = 3.6;
}
