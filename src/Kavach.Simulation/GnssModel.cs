namespace Kavach.Simulation;

/// <summary>
/// A GNSS receiver on the cab: the train's position, speed over ground and course from the <see cref="World"/>, with
/// the receiver's errors: white noise on speed and course, and a slowly wandering position error (first-order
/// Gauss–Markov, time constant <see cref="PositionErrorTauS"/>) as real fixes wander rather than jump. A
/// <see cref="FaultType.NoFix"/> frame clears the fix (<see cref="ClearFix"/>). Only on a locomotive.
/// </summary>
internal sealed class GnssModel(SensorModelDefaults model, double rateHz, SimRandom rng)
{
    /// <summary>Time constant of the position error, seconds (a simulator choice).</summary>
    public const double PositionErrorTauS = 30;

    /// <summary>Satellites used and HDOP with a fix: open sky, a multi-GNSS receiver.</summary>
    public const int FixSatellites = 14;
    public const double FixHdop = 0.8;

    /// <summary>HDOP u-blox receivers send without a fix.</summary>
    public const double NoFixHdop = 99.99;

    /// <summary>Below this speed receivers leave the course empty: it is noise when standing still.</summary>
    public const double MinCourseSpeedMps = 0.5;

    private const double EarthRadiusM = 6_371_008.8;
    private readonly double _a = Math.Exp(-1 / (rateHz * PositionErrorTauS));
    private double _errorNorthM,
        _errorEastM;
    private bool _started;

    public void Fill(ref SimSample s, World w)
    {
        var scene = w.Scene ?? throw new InvalidOperationException("a GNSS receiver needs a locomotive scenario");
        // always the same draws per frame, so the stream does not depend on the state
        var (gn, ge, gv, gc) = (rng.NextGaussian(), rng.NextGaussian(), rng.NextGaussian(), rng.NextGaussian());
        var sigma = model.RangeNoiseM;
        if (!_started)
        {
            (_errorNorthM, _errorEastM) = (sigma * gn, sigma * ge);
            _started = true;
        }
        else
        {
            var k = sigma * Math.Sqrt(1 - _a * _a);
            _errorNorthM = _a * _errorNorthM + k * gn;
            _errorEastM = _a * _errorEastM + k * ge;
        }

        var start = scene.Train.Start;
        var speed = Math.Max(0, scene.SpeedMps + model.VelocityNoiseMps * gv);
        var course = scene.SpeedMps < MinCourseSpeedMps ? double.NaN : Normalise(scene.Cab.CourseDeg + model.Noise * gc);
        s.GnssFix = true;
        s.GnssUtc = start.Utc.AddSeconds(w.TimeS);
        s.LatitudeDeg = scene.LatitudeDeg + _errorNorthM / EarthRadiusM * 180 / Math.PI;
        s.LongitudeDeg = scene.LongitudeDeg + _errorEastM / (EarthRadiusM * Math.Cos(start.LatitudeDeg * Math.PI / 180)) * 180 / Math.PI;
        s.AltitudeM = start.AltitudeM;
        s.GroundSpeedMps = speed;
        s.CourseDeg = course;
        s.Satellites = FixSatellites;
        s.Hdop = FixHdop;
    }

    /// <summary>What a receiver without a fix reports: time only (from its clock), no position, speed or course.</summary>
    public static void ClearFix(ref SimSample s)
    {
        s.GnssFix = false;
        s.LatitudeDeg = s.LongitudeDeg = s.AltitudeM = s.GroundSpeedMps = s.CourseDeg = double.NaN;
        s.Satellites = 0;
        s.Hdop = NoFixHdop;
    }

    private static double Normalise(double deg)
    {
        var d = deg % 360;
        return d < 0 ? d + 360 : d;
    }
}
