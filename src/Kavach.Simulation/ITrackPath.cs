namespace Kavach.Simulation;

/// <summary>
/// The track a locomotive scenario's train runs on, as a plane curve by distance along it: x east and y north in metres
/// from the cab's start position, heading clockwise from north. <see cref="TrackGeometry"/> (straights and circular curves
/// from the scenario's <c>track</c>) or <see cref="RoutePath"/> (a line of a route file, <c>route</c>). Immutable;
/// thread-safe.
/// </summary>
public interface ITrackPath
{
    /// <summary>Position and heading of the track centre at distance <paramref name="s"/> (negative: behind the start).</summary>
    Pose At(double s);

    /// <summary>Signed curvature at distance <paramref name="s"/>, 1/m (right positive).</summary>
    double CurvatureAt(double s);

    /// <summary>The point <paramref name="lateralM"/> to the right of the centre line at distance <paramref name="s"/>.</summary>
    (double X, double Y) PointAt(double s, double lateralM)
    {
        var p = At(s);
        return (p.X + lateralM * Math.Cos(p.HeadingRad), p.Y - lateralM * Math.Sin(p.HeadingRad));
    }
}
