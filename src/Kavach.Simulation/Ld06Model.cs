namespace Kavach.Simulation;

/// <summary>
/// LDROBOT LD06 2D scanner: each sample is one 12-point packet of the rotating scan (10 Hz, 3600°/s). Points
/// whose angle falls on the obstacle or the background (bearing and width) see it with the LiDAR strength law,
/// the rest see nothing (distance 0, intensity 0); in fog single points show weak backscatter. The sample's
/// <see cref="SimSample.HasReturn"/>/<see cref="SimSample.DistanceM"/> is the nearest valid point within ±5° of boresight.
/// </summary>
internal sealed class Ld06Model(SensorModelDefaults model, double backscatterScale, double rateHz, SimRandom rng)
{
    public const float SpeedDegPerS = 3600f; // 10 Hz rotation (ldlidar_stl_ros2 default)
    private const double ObstacleHalfWidthM = 1.0,
        BackgroundHalfWidthM = 2.0,
        BoresightHalfAngleDeg = 5;

    public void Fill(ref SimSample s, World w, long sequence)
    {
        var stepDeg = SpeedDegPerS / (rateHz * 12);
        var start = (sequence * 12 * stepDeg) % 360.0;
        s.ClearPoints();
        s.SpeedDegPerS = SpeedDegPerS;
        s.StartAngleDeg = (float)start;
        s.EndAngleDeg = (float)((start + 11 * stepDeg) % 360.0);
        var p = LidarModel.BackscatterProbability(w.ExtinctionPerM) * backscatterScale;
        var best = float.PositiveInfinity;
        float bestStrength = 0;
        for (var i = 0; i < 12; i++)
        {
            var angle = (start + i * stepDeg) % 360.0;
            var gain = Math.Exp(model.Noise * rng.NextGaussian());
            var rangeNoise = model.RangeNoiseM * rng.NextGaussian();
            var roll = rng.NextDouble();
            var fake = rng.Uniform(0.5, 3);
            double range = 0,
                intensity = 0;
            var (r, rho) = TargetAt(w, angle);
            if (r >= model.MinRangeM && r <= model.MaxRangeM)
            {
                var strength = Math.Round(
                    Math.Min(model.K * rho * Fog.TwoWayTransmission(w.ExtinctionPerM, r) / (r * r) * gain, model.MaxStrength)
                );
                if (strength >= model.Threshold)
                {
                    range = Math.Round((r + rangeNoise) * 1000) / 1000;
                    intensity = strength;
                }
            }
            if (roll < p && (range == 0 || fake < range))
            {
                range = Math.Round(fake * 1000) / 1000;
                intensity = Math.Round(model.Threshold * (1 + roll));
            }
            s.TryAddPoint(new SimPoint((float)range, (float)angle, 0, (float)intensity));
            if (range > 0 && Math.Abs(Offset(angle, 0)) <= BoresightHalfAngleDeg && range < best)
            {
                best = (float)range;
                bestStrength = (float)intensity;
            }
        }
        s.HasReturn = !float.IsPositiveInfinity(best);
        s.DistanceM = s.HasReturn ? best : float.NaN;
        s.Strength = bestStrength;
        s.Confidence = s.HasReturn ? LidarModel.Confidence(bestStrength, model) : 0f;
    }

    private static (double RangeM, double Reflectivity) TargetAt(World w, double angleDeg)
    {
        var range = double.PositiveInfinity;
        var rho = 0.0;
        if (w.ObstaclePresent && Covers(angleDeg, w.ObstacleProperties.AzimuthDeg, w.ObstacleRangeM, ObstacleHalfWidthM))
        {
            range = w.ObstacleRangeM;
            rho = w.ObstacleProperties.Reflectivity;
        }
        if (w.Background is { } b && b.RangeM < range && Covers(angleDeg, b.AzimuthDeg, b.RangeM, BackgroundHalfWidthM))
        {
            range = b.RangeM;
            rho = b.Reflectivity;
        }
        return (range, rho);
    }

    private static bool Covers(double angleDeg, double bearingDeg, double rangeM, double halfWidthM) =>
        Math.Abs(Offset(angleDeg, bearingDeg)) <= Math.Atan2(halfWidthM, rangeM) * 180 / Math.PI;

    private static double Offset(double angleDeg, double bearingDeg)
    {
        var d = (angleDeg - bearingDeg) % 360.0;
        if (d > 180)
            d -= 360;
        if (d <= -180)
            d += 360;
        return d;
    }
}
