using Kavach.Edge.Locomotive;
using Kavach.Edge.Route;

namespace Kavach.Edge.Tests.Route;

/// <summary>
/// A deterministic drive along one line of a route for the matcher's tests: the true chainage from a speed profile, and
/// the GNSS fixes a receiver would give there (Gaussian noise per axis, one gross outlier per <see cref="OutlierEveryS"/>).
/// </summary>
internal sealed class RouteDrive(RouteMap map, int line, long ticksPerS, int seed)
{
    private readonly Random _rng = new(seed);

    public double NoiseM { get; init; } = 5;
    public double CourseNoiseDeg { get; init; } = 1;
    public double OutlierM { get; init; } = 200;
    public double OutlierEveryS { get; init; } = 60;

    /// <summary>One fix: the truth and what the receiver said.</summary>
    public readonly record struct Sample(double TimeS, double TrueChainageM, double TrueSpeedMps, bool Outlier, GnssFix Fix);

    /// <summary>Fixes at <paramref name="rateHz"/> for <paramref name="seconds"/> from <paramref name="startM"/>, the speed (m/s,
    /// negative: down the line) a function of time.</summary>
    public IEnumerable<Sample> Run(double startM, double rateHz, double seconds, Func<double, double> speedAt, double t0 = 0)
    {
        var c = startM;
        var dt = 1 / rateHz;
        var nextOutlier = t0 + OutlierEveryS / 2;
        for (var t = t0; t < t0 + seconds - 1e-9; t += dt)
        {
            var v = speedAt(t);
            var (lat, lon, bearing) = map.PointAt(line, c);
            var outlier = t >= nextOutlier;
            double e = Gauss() * NoiseM,
                n = Gauss() * NoiseM;
            if (outlier)
            {
                nextOutlier += OutlierEveryS;
                var angle = _rng.NextDouble() * 2 * Math.PI;
                e = OutlierM * Math.Sin(angle);
                n = OutlierM * Math.Cos(angle);
            }
            var (mLat, mLon) = LocalFrame.MetresPerDegree(lat);
            var course = Math.Abs(v) < 0.3 ? double.NaN : (bearing + (v < 0 ? 180 : 0) + Gauss() * CourseNoiseDeg + 360) % 360;
            var fix = new GnssFix((long)Math.Round(t * ticksPerS), lat + n / mLat, lon + e / mLon, Math.Abs(v), course, SpeedTrust.Trusted);
            yield return new Sample(t, c, v, outlier, fix);
            c += v * dt;
        }
    }

    private double Gauss()
    {
        // Box–Muller: deterministic for a seed
        var u1 = 1 - _rng.NextDouble();
        var u2 = _rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
