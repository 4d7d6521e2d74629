namespace Kavach.Simulation;

/// <summary>
/// Single-beam LiDAR (Benewake TF series): the nearest of obstacle and background (on a locomotive: the first object
/// along the beam), strength
/// S = K·ρ·exp(−2σR)/R² (docs/protocols.md §5) with log-normal noise, quantised; below the variant's threshold
/// the frame carries no return. In fog a weak false near return (backscatter) appears now and then.
/// </summary>
internal sealed class LidarModel(SensorModelDefaults model, double backscatterScale, SimRandom rng)
{
    // Backscatter: a false return between these ranges (metres), at 1–2× the threshold strength.
    private const double BackscatterMinM = 1,
        BackscatterMaxM = 8;
    private bool _lastWasBackscatter;

    public void Fill(ref SimSample s, World w)
    {
        var (range, rho) = NearestTarget(w, model.BeamDeg * Math.PI / 360);
        var gain = Math.Exp(model.Noise * rng.NextGaussian());
        var rangeNoise = model.RangeNoiseM * rng.NextGaussian();
        var inRange = range >= model.MinRangeM && range <= model.MaxRangeM;
        double strength = inRange
            ? model.K * rho * Fog.TwoWayTransmission(w.ExtinctionPerM, range) / (range * range) * gain
            : model.Threshold * 0.5 * rng.NextDouble(); // noise floor: nothing to see
        strength = Math.Round(Math.Min(strength, model.MaxStrength));
        var hasReturn = inRange && strength >= model.Threshold;
        var distance = hasReturn ? QuantiseCm(Math.Clamp(range + rangeNoise, model.MinRangeM, model.MaxRangeM)) : float.NaN;

        var isBackscatter = false;
        var p = BackscatterProbability(w.ExtinctionPerM) * backscatterScale;
        var roll = rng.NextDouble();
        var fakeRange = rng.Uniform(BackscatterMinM, BackscatterMaxM);
        var fakeStrength = Math.Round(model.Threshold * rng.Uniform(1.0, 2.0));
        // Backscatter does not persist: never on two frames in a row.
        if (!_lastWasBackscatter && roll < p && (!hasReturn || fakeRange < distance))
        {
            hasReturn = true;
            isBackscatter = true;
            distance = QuantiseCm(fakeRange);
            strength = fakeStrength;
        }
        _lastWasBackscatter = isBackscatter;

        s.HasReturn = hasReturn;
        s.DistanceM = distance;
        s.Strength = (float)strength;
        s.Confidence = hasReturn ? Confidence(strength, model) : 0f;
        s.IsBackscatter = isBackscatter;
    }

    /// <summary>
    /// The nearest of obstacle and background: range (∞ when none) and reflectivity. On a locomotive: the first object the
    /// straight beam (half-angle <paramref name="beamHalfAngleRad"/>) meets along the cab's heading — on a curve that is
    /// what stands beside the track on the outside of the curve, as with a real single-beam LiDAR.
    /// </summary>
    internal static (double RangeM, double Reflectivity) NearestTarget(World w, double beamHalfAngleRad)
    {
        if (w.Scene is { } scene)
            return scene.BeamHit(beamHalfAngleRad);
        var range = double.PositiveInfinity;
        var rho = 0.0;
        if (w.ObstaclePresent)
        {
            range = w.ObstacleRangeM;
            rho = w.ObstacleProperties.Reflectivity;
        }
        if (w.Background is { } b && b.RangeM < range)
        {
            range = b.RangeM;
            rho = b.Reflectivity;
        }
        return (range, rho);
    }

    /// <summary>
    /// Chance per frame of a false fog return: 0 in clear air, rising linearly with σ above the fog onset
    /// (V = 1 km) to 30 % in very dense fog (V ≈ 30 m). A simulator choice, not a measured figure.
    /// </summary>
    public static double BackscatterProbability(double extinctionPerM)
    {
        var onset = Fog.ExtinctionPerM(Fog.FogVisibilityM);
        return Math.Clamp((extinctionPerM - onset) * 2.4, 0, 0.3);
    }

    /// <summary>Confidence 0..1: log of the strength's margin over the threshold, relative to full scale.</summary>
    internal static float Confidence(double strength, SensorModelDefaults model)
    {
        if (strength < model.Threshold)
            return 0f;
        var full = Math.Log(Math.Max(model.MaxStrength, model.Threshold * 2) / model.Threshold);
        return (float)Math.Round(Math.Clamp(0.05 + Math.Log(strength / model.Threshold) / full, 0, 1), 3);
    }

    private static float QuantiseCm(double m) => (float)(Math.Round(m * 100) / 100);
}
