namespace Kavach.Edge.Locomotive;

/// <summary>The stop-within-sight speed and the distances it came from.</summary>
/// <param name="SpeedMps">Highest speed whose stopping distance fits within <see cref="DistanceM"/>, m/s.</param>
/// <param name="DistanceM">min(visibility, sensor reach), m: what both the driver and the sensors cover.</param>
/// <param name="VisibilityM">The visibility it was computed from, m.</param>
/// <param name="ReachM">The longest reach among the sensors given, m (0 with none).</param>
public readonly record struct SightSpeed(double SpeedMps, double DistanceM, double VisibilityM, double ReachM)
{
    /// <summary>The speed in km/h, rounded down to a whole number (a shown figure never promises more than the model).</summary>
    public int FloorKmh => double.IsFinite(SpeedMps) ? (int)Math.Floor(SpeedMps * BrakingModel.KmhPerMps) : int.MaxValue;

    /// <summary>True when the sensors, not the visibility, limit the speed.</summary>
    public bool LimitedByReach => ReachM < VisibilityM;
}

/// <summary>
/// The highest speed at which the train could stop within what can be seen (docs/locomotive.md): the distance is
/// min(visibility, reach), where reach is the longest reach among the sensors that are working (any one of them
/// seeing an obstacle warns). Pure.
/// </summary>
public static class StopWithinSight
{
    /// <summary>
    /// The stop-within-sight speed for <paramref name="visibilityM"/> and the working sensors' reaches (faulted
    /// sensors left out by the caller). With no sensor the reach is 0 and so is the speed: nothing protects the train.
    /// A NaN visibility (unknown) gives NaN: the caller reports a degradation, it does not guess.
    /// </summary>
    public static SightSpeed Compute(
        BrakingModel model,
        double visibilityM,
        ReadOnlySpan<double> sensorReachM,
        BrakeApplication brake = BrakeApplication.Emergency
    )
    {
        var reach = 0.0;
        foreach (var r in sensorReachM)
            if (r > reach)
                reach = r; // NaN and negative reaches count as none
        if (double.IsNaN(visibilityM))
            return new SightSpeed(double.NaN, double.NaN, visibilityM, reach);
        var distance = Math.Max(0, Math.Min(visibilityM, reach));
        return new SightSpeed(model.SpeedForDistanceMps(distance, brake), distance, visibilityM, reach);
    }
}
