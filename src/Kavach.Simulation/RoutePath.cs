namespace Kavach.Simulation;

/// <summary>
/// The track of a scenario that drives a route (<c>train.route</c>): a line of a route file followed point to point from
/// <see cref="TrainRoute.StartM"/>, up (chainage growing) or down. Distance s along the path is chainage
/// StartM ± s, in the daemon's own chainage (<see cref="RouteLine"/>), so the ground truth and the daemon's map agree to
/// rounding. The plane is an equirectangular frame about the start on the WGS 84 ellipsoid (metres per degree at the
/// start's latitude); a point between two route points is linear in that plane, hence linear in latitude and longitude,
/// as the daemon interpolates. Beyond the line's ends the end segments run on straight (the daemon: off the route).
/// Heading jumps at each route point (a polyline); the curvature reported is the turn at a segment's two ends spread
/// over its length (a route's track points every 100 m on a 1200 m curve give 1/1200). Immutable; thread-safe.
/// </summary>
public sealed class RoutePath : ITrackPath
{
    private readonly RouteLine _line;
    private readonly double _start;
    private readonly int _sign;
    private readonly double[] _x,
        _y,
        _heading,
        _curvature;

    /// <summary>The path of <paramref name="route"/>.</summary>
    public RoutePath(TrainRoute route)
    {
        _line = route.Geometry;
        _start = route.StartM;
        _sign = route.Direction == RouteTravel.Up ? 1 : -1;
        var (seg, f) = _line.Locate(_start);
        StartLatitudeDeg = Lerp(_line.LatitudeDeg(seg), _line.LatitudeDeg(seg + 1), f);
        StartLongitudeDeg = Lerp(_line.LongitudeDeg(seg), _line.LongitudeDeg(seg + 1), f);
        (MetresPerDegreeLat, MetresPerDegreeLon) = RouteLine.MetresPerDegree(StartLatitudeDeg);
        var n = _line.Count;
        _x = new double[n];
        _y = new double[n];
        for (var i = 0; i < n; i++)
        {
            _x[i] = (_line.LongitudeDeg(i) - StartLongitudeDeg) * MetresPerDegreeLon;
            _y[i] = (_line.LatitudeDeg(i) - StartLatitudeDeg) * MetresPerDegreeLat;
        }
        _heading = new double[n - 1]; // per segment, in the up direction
        for (var i = 0; i + 1 < n; i++)
            _heading[i] = Math.Atan2(_x[i + 1] - _x[i], _y[i + 1] - _y[i]);
        _curvature = new double[n - 1];
        for (var i = 0; i + 1 < n; i++)
        {
            var turn = (i > 0 ? Turn(_heading[i - 1], _heading[i]) : 0) + (i + 2 < n ? Turn(_heading[i], _heading[i + 1]) : 0);
            var length = _line.ChainageM(i + 1) - _line.ChainageM(i);
            _curvature[i] = length > 0 ? _sign * turn / 2 / length : 0;
        }
        StartCourseDeg = At(0).CourseDeg;
    }

    /// <summary>Where the train starts: the route's point at <see cref="TrainRoute.StartM"/>, degrees.</summary>
    public double StartLatitudeDeg { get; }

    /// <inheritdoc cref="StartLatitudeDeg"/>
    public double StartLongitudeDeg { get; }

    /// <summary>The course at the start, degrees true.</summary>
    public double StartCourseDeg { get; }

    /// <summary>The plane's scale: metres per degree of latitude and of longitude at the start.</summary>
    public double MetresPerDegreeLat { get; }

    /// <inheritdoc cref="MetresPerDegreeLat"/>
    public double MetresPerDegreeLon { get; }

    /// <summary>The route's chainage at distance <paramref name="s"/> along the path, m.</summary>
    public double ChainageAt(double s) => _start + _sign * s;

    /// <inheritdoc/>
    public Pose At(double s)
    {
        var (i, f) = _line.Locate(ChainageAt(s));
        var h = _sign > 0 ? _heading[i] : _heading[i] + Math.PI;
        return new Pose(Lerp(_x[i], _x[i + 1], f), Lerp(_y[i], _y[i + 1], f), h);
    }

    /// <inheritdoc/>
    public double CurvatureAt(double s)
    {
        var c = ChainageAt(s);
        return c < 0 || c > _line.LengthM ? 0 : _curvature[_line.Locate(c).Segment];
    }

    private static double Lerp(double a, double b, double f) => a + f * (b - a);

    // heading change from a to b, radians in (-π, π], right (clockwise) positive
    private static double Turn(double a, double b)
    {
        var d = b - a;
        while (d > Math.PI)
            d -= 2 * Math.PI;
        while (d <= -Math.PI)
            d += 2 * Math.PI;
        return d;
    }
}
