namespace Kavach.Edge.Locomotive;

/// <summary>
/// The stretch of track ahead that a forward-looking sensor can protect (docs/locomotive.md, "The corridor"). Signs:
/// right of the direction of travel is positive, for bearings, lateral offsets and the curve radius alike.
/// </summary>
/// <param name="RadiusM">Signed curve radius, m (positive: curving right); +∞ on straight track or when unknown.</param>
/// <param name="RadiusKnown">False when no trustworthy heading rate was available and straight track is assumed.</param>
/// <param name="HalfWidthM">Half-width of the corridor around the track centre line, m.</param>
/// <param name="CoveredLengthM">How far ahead the sensor's view stays on the track, m: its reach on straight track,
/// less on a curve. The coverage to state when it is shorter than the reach.</param>
/// <param name="ReachM">The sensor's reach, m.</param>
public readonly record struct TrackCorridor(double RadiusM, bool RadiusKnown, double HalfWidthM, double CoveredLengthM, double ReachM)
{
    /// <summary>Below this speed the GNSS course is too noisy for a heading rate (receivers freeze it when slow).</summary>
    public const double MinSpeedForRadiusMps = 2;

    /// <summary>Heading rates smaller than this are straight track (a radius over about 57 km at 10 m/s).</summary>
    public const double MinHeadingRateDegPerS = 0.01;

    /// <summary>True when the view is shorter than the reach (a curve): the reduced coverage must be stated.</summary>
    public bool Reduced => CoveredLengthM < ReachM;

    /// <summary>
    /// Signed curve radius from the speed and the rate of change of the GNSS course, R = v / ω, m; +∞ for straight
    /// track, and also when the speed is too low or unknown for a trustworthy heading rate (the most conservative
    /// assumption: on straight track every return along the beam is on the track).
    /// </summary>
    public static double CurveRadiusM(double speedMps, double headingRateDegPerS)
    {
        if (
            !(speedMps >= MinSpeedForRadiusMps)
            || !double.IsFinite(headingRateDegPerS)
            || Math.Abs(headingRateDegPerS) < MinHeadingRateDegPerS
        )
            return double.PositiveInfinity;
        return speedMps / (headingRateDegPerS * Math.PI / 180);
    }

    /// <summary>
    /// Rate of turn between two GNSS courses over ground <paramref name="seconds"/> apart, °/s, right positive; the
    /// change is taken the short way round (359° → 1° is +2°). NaN when either course is unknown or no time passed.
    /// </summary>
    public static double HeadingRateDegPerS(double fromCourseDeg, double toCourseDeg, double seconds)
    {
        if (!double.IsFinite(fromCourseDeg) || !double.IsFinite(toCourseDeg) || !(seconds > 0))
            return double.NaN;
        var change = (toCourseDeg - fromCourseDeg) % 360;
        if (change > 180)
            change -= 360;
        else if (change <= -180)
            change += 360;
        return change / seconds;
    }

    /// <summary>
    /// The corridor for a sensor of <paramref name="reachM"/> on a curve of <paramref name="radiusM"/>. A straight
    /// beam (<paramref name="fieldOfViewHalfDeg"/> 0) tangent to the curve leaves a corridor of half-width w after
    /// L = √(2·|R|·w) (the sagitta x²/2R reaches w); a sensor that sees ±φ keeps the centre line in view up to
    /// x = 2·|R|·tan φ. The covered length is the longer of the two, capped by the reach.
    /// </summary>
    public static TrackCorridor For(double radiusM, double halfWidthM, double reachM, double fieldOfViewHalfDeg = 0)
    {
        var known = double.IsFinite(radiusM);
        var length = reachM;
        if (known)
        {
            var r = Math.Abs(radiusM);
            var beam = Math.Sqrt(2 * r * halfWidthM);
            var view = 2 * r * Math.Tan(Math.Clamp(fieldOfViewHalfDeg, 0, 89) * Math.PI / 180);
            length = Math.Min(reachM, Math.Max(beam, view));
        }

        return new TrackCorridor(known ? radiusM : double.PositiveInfinity, known, halfWidthM, length, reachM);
    }

    /// <summary>Lateral offset of the track centre line at <paramref name="alongM"/> ahead, m (x²/2R; 0 on straight track).</summary>
    public double CentreLineOffsetM(double alongM) => double.IsFinite(RadiusM) ? alongM * alongM / (2 * RadiusM) : 0;
}
