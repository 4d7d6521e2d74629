namespace Kavach.Simulation;

/// <summary>
/// The track of a locomotive scenario as a plane curve: x east and y north in metres from the cab's start position,
/// heading θ in radians clockwise from north (the GNSS course). Straights keep θ; a curve of radius R turns it by
/// s / R (right: θ grows). Closed form per segment, no integration error. Beyond the last segment: straight.
/// Immutable; thread-safe.
/// </summary>
public sealed class TrackGeometry : ITrackPath
{
    private readonly double[] _startS;
    private readonly Pose[] _startPose;
    private readonly double[] _curvature; // 1/m, right positive

    /// <summary>The geometry of <paramref name="segments"/>, starting at the origin with course
    /// <paramref name="startCourseDeg"/>.</summary>
    public TrackGeometry(IReadOnlyList<TrackSegment> segments, double startCourseDeg)
    {
        var n = segments.Count;
        _startS = new double[n + 1];
        _startPose = new Pose[n + 1];
        _curvature = new double[n + 1];
        var pose = new Pose(0, 0, startCourseDeg * Math.PI / 180);
        double s = 0;
        for (var i = 0; i < n; i++)
        {
            var seg = segments[i];
            _startS[i] = s;
            _startPose[i] = pose;
            _curvature[i] = Curvature(seg);
            pose = Advance(pose, _curvature[i], seg.LengthM);
            s += seg.LengthM;
        }
        _startS[n] = s;
        _startPose[n] = pose;
        _curvature[n] = 0;
    }

    /// <summary>Signed curvature of a segment, 1/m (right positive, 0 for a straight).</summary>
    public static double Curvature(TrackSegment segment) =>
        segment.RadiusM is { } r && segment.Direction != CurveDirection.Straight
            ? (segment.Direction == CurveDirection.Right ? 1 / r : -1 / r)
            : 0;

    /// <summary>Position and heading of the track centre at distance <paramref name="s"/> (negative: the straight behind the
    /// start).</summary>
    public Pose At(double s)
    {
        var i = Segment(s);
        return Advance(_startPose[i], _curvature[i], s - _startS[i]);
    }

    /// <summary>Signed curvature at distance <paramref name="s"/>, 1/m (right positive).</summary>
    public double CurvatureAt(double s) => _curvature[Segment(s)];

    /// <summary>The point <paramref name="lateralM"/> to the right of the centre line at distance <paramref name="s"/>.</summary>
    public (double X, double Y) PointAt(double s, double lateralM)
    {
        var p = At(s);
        return (p.X + lateralM * Math.Cos(p.HeadingRad), p.Y - lateralM * Math.Sin(p.HeadingRad));
    }

    private int Segment(double s)
    {
        if (s <= 0)
            return 0;
        var i = Array.BinarySearch(_startS, s);
        if (i < 0)
            i = ~i - 1;
        return Math.Min(i, _startS.Length - 1);
    }

    private static Pose Advance(Pose p, double k, double ds)
    {
        if (k == 0)
            return new Pose(p.X + ds * Math.Sin(p.HeadingRad), p.Y + ds * Math.Cos(p.HeadingRad), p.HeadingRad);
        var h = p.HeadingRad + k * ds;
        return new Pose(p.X + (Math.Cos(p.HeadingRad) - Math.Cos(h)) / k, p.Y + (Math.Sin(h) - Math.Sin(p.HeadingRad)) / k, h);
    }
}

/// <summary>A point and heading in the scenario's plane: x east, y north (metres), heading clockwise from north (radians).</summary>
public readonly record struct Pose(double X, double Y, double HeadingRad)
{
    /// <summary>The heading as a course over ground, degrees true in [0, 360).</summary>
    public double CourseDeg
    {
        get
        {
            var d = HeadingRad * 180 / Math.PI % 360;
            return d < 0 ? d + 360 : d;
        }
    }
}

/// <summary>The train's speed and distance over time from its speed keyframes (linear in speed, so the distance is exact).</summary>
public static class SpeedProfile
{
    /// <summary>Speed at <paramref name="tS"/>, m/s.</summary>
    public static double SpeedMps(IReadOnlyList<SpeedKeyframe> profile, double tS)
    {
        if (tS <= profile[0].TimeS)
            return profile[0].SpeedKmh / 3.6;
        for (var i = 0; i + 1 < profile.Count; i++)
        {
            var (a, b) = (profile[i], profile[i + 1]);
            if (tS < b.TimeS)
                return (a.SpeedKmh + (b.SpeedKmh - a.SpeedKmh) * (tS - a.TimeS) / (b.TimeS - a.TimeS)) / 3.6;
        }
        return profile[^1].SpeedKmh / 3.6;
    }

    /// <summary>Distance run from time 0 to <paramref name="tS"/>, metres (the integral of <see cref="SpeedMps"/>).</summary>
    public static double DistanceM(IReadOnlyList<SpeedKeyframe> profile, double tS)
    {
        var first = profile[0];
        var v0 = first.SpeedKmh / 3.6;
        if (tS <= first.TimeS)
            return v0 * tS;
        var s = v0 * first.TimeS; // held before the first keyframe
        for (var i = 0; i + 1 < profile.Count; i++)
        {
            var (a, b) = (profile[i], profile[i + 1]);
            var (va, vb) = (a.SpeedKmh / 3.6, b.SpeedKmh / 3.6);
            var dt = b.TimeS - a.TimeS;
            if (tS < b.TimeS)
            {
                var tau = tS - a.TimeS;
                return s + va * tau + (vb - va) * tau * tau / (2 * dt);
            }
            s += (va + vb) / 2 * dt;
        }
        return s + profile[^1].SpeedKmh / 3.6 * (tS - profile[^1].TimeS);
    }
}
