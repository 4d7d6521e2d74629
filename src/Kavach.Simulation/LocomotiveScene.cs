namespace Kavach.Simulation;

/// <summary>
/// The moving part of a locomotive scenario's world at one instant: the cab's pose and speed on the track, where every
/// object is, and what the forward sensors can see of them. A pure function of the time given to <see cref="Update"/>.
/// Owned by one <see cref="World"/>; not thread-safe. No allocation after construction.
/// </summary>
internal sealed class LocomotiveScene
{
    /// <summary>Mean Earth radius, metres (IUGG), for turning the local plane into latitude and longitude.</summary>
    private const double EarthRadiusM = 6_371_008.8;

    private readonly TrainMotion _train;
    private readonly TrackObject[] _objects;
    private readonly double[] _x,
        _y,
        _vx,
        _vy;
    private readonly bool[] _present;
    private readonly double _startLat,
        _startLon,
        _metresPerDegLat,
        _metresPerDegLon;
    private readonly RoutePath? _route;

    public LocomotiveScene(Scenario scenario)
    {
        _train = scenario.Train ?? throw new ArgumentException("a locomotive scenario needs a train", nameof(scenario));
        _route = _train.Route is { } r ? new RoutePath(r) : null;
        Geometry = _route ?? (ITrackPath)new TrackGeometry(_train.Track, _train.Start.CourseDeg);
        _objects = [.. scenario.Objects];
        _x = new double[_objects.Length];
        _y = new double[_objects.Length];
        _vx = new double[_objects.Length];
        _vy = new double[_objects.Length];
        _present = new bool[_objects.Length];
        for (var i = 0; i < _objects.Length; i++)
        {
            // static objects never move: place them once
            if (_objects[i].SpeedMps == 0)
                (_x[i], _y[i]) = Geometry.PointAt(_objects[i].AtM, _objects[i].LateralM);
        }
        (_startLat, _startLon) = (_train.Start.LatitudeDeg, _train.Start.LongitudeDeg);
        // the plane to latitude and longitude: a route's own frame (the WGS 84 radii at its start, so that a point between
        // two route points is where the daemon interpolates it), else a sphere (good for tens of km)
        (_metresPerDegLat, _metresPerDegLon) = _route is { } p
            ? (p.MetresPerDegreeLat, p.MetresPerDegreeLon)
            : (EarthRadiusM * Math.PI / 180, EarthRadiusM * Math.Cos(_startLat * Math.PI / 180) * Math.PI / 180);
        RouteChainageM = double.NaN;
    }

    public ITrackPath Geometry { get; }

    public TrainMotion Train => _train;

    public IReadOnlyList<TrackObject> Objects => _objects;

    /// <summary>The cab front on the track centre line, heading along the track.</summary>
    public Pose Cab { get; private set; }

    public double SpeedMps { get; private set; }

    public double DistanceM { get; private set; }

    public double CurvaturePerM { get; private set; }

    public double LatitudeDeg { get; private set; }

    public double LongitudeDeg { get; private set; }

    /// <summary>With a route: the cab's chainage on the route's line, m (the daemon's chainage); NaN without one.</summary>
    public double RouteChainageM { get; private set; }

    /// <summary>Distance along the track to the nearest object on the track ahead, metres (NaN when none).</summary>
    public double TrackObstacleRangeM { get; private set; }

    /// <summary>The train's speed minus that object's speed along the track, m/s (NaN when none).</summary>
    public double TrackObstacleClosingSpeedMps { get; private set; }

    public void Update(double tS)
    {
        SpeedMps = SpeedProfile.SpeedMps(_train.SpeedProfile, tS);
        DistanceM = SpeedProfile.DistanceM(_train.SpeedProfile, tS);
        Cab = Geometry.At(DistanceM);
        CurvaturePerM = Geometry.CurvatureAt(DistanceM);
        LatitudeDeg = _startLat + Cab.Y / _metresPerDegLat;
        LongitudeDeg = _startLon + Cab.X / _metresPerDegLon;
        if (_route is not null)
            RouteChainageM = _route.ChainageAt(DistanceM);

        TrackObstacleRangeM = TrackObstacleClosingSpeedMps = double.NaN;
        for (var i = 0; i < _objects.Length; i++)
        {
            var o = _objects[i];
            _present[i] = o.PresentAt(tS);
            if (!_present[i])
                continue;
            var along = o.AlongAt(tS);
            if (o.SpeedMps != 0)
            {
                (_x[i], _y[i]) = Geometry.PointAt(along, o.LateralM);
                var h = Geometry.At(along).HeadingRad;
                (_vx[i], _vy[i]) = (o.SpeedMps * Math.Sin(h), o.SpeedMps * Math.Cos(h));
            }
            var ahead = along - DistanceM;
            if (Math.Abs(o.LateralM) <= _train.CorridorHalfWidthM && ahead > 0 && !(ahead >= TrackObstacleRangeM))
            {
                TrackObstacleRangeM = ahead;
                TrackObstacleClosingSpeedMps = SpeedMps - o.SpeedMps;
            }
        }
    }

    /// <summary>
    /// The first object a straight beam from the cab along its heading hits: the one at the shortest distance along the
    /// beam whose centre lies within the beam's half-width there (along · tan(half-angle)) plus half its own width.
    /// Returns (∞, 0) when the beam hits nothing.
    /// </summary>
    public (double RangeM, double Reflectivity) BeamHit(double halfAngleRad)
    {
        var (fx, fy) = (Math.Sin(Cab.HeadingRad), Math.Cos(Cab.HeadingRad));
        var tan = Math.Tan(halfAngleRad);
        var best = double.PositiveInfinity;
        var rho = 0.0;
        for (var i = 0; i < _objects.Length; i++)
        {
            if (!_present[i])
                continue;
            var (dx, dy) = (_x[i] - Cab.X, _y[i] - Cab.Y);
            var along = dx * fx + dy * fy;
            if (along <= 0 || along >= best)
                continue;
            var cross = dx * fy - dy * fx; // right positive
            if (Math.Abs(cross) <= along * tan + _objects[i].WidthM / 2)
            {
                best = along;
                rho = _objects[i].Reflectivity;
            }
        }
        return (best, rho);
    }

    /// <summary>
    /// The objects within <paramref name="maxRangeM"/> and ±<paramref name="halfFovRad"/> of the heading, nearest first, at
    /// most <paramref name="dest"/>.Length: range, bearing (degrees, right positive), closing speed (the rate at which the
    /// range shrinks: the train's speed times cos(bearing) for a static object), RCS. Returns the count.
    /// </summary>
    public int InView(Span<RadarTarget> dest, double halfFovRad, double maxRangeM)
    {
        var (fx, fy) = (Math.Sin(Cab.HeadingRad), Math.Cos(Cab.HeadingRad));
        var (tvx, tvy) = (SpeedMps * fx, SpeedMps * fy);
        var n = 0;
        for (var i = 0; i < _objects.Length; i++)
        {
            if (!_present[i])
                continue;
            var (dx, dy) = (_x[i] - Cab.X, _y[i] - Cab.Y);
            var along = dx * fx + dy * fy;
            if (along <= 0)
                continue;
            var range = Math.Sqrt(dx * dx + dy * dy);
            var bearing = Math.Atan2(dx * fy - dy * fx, along);
            if (range > maxRangeM || Math.Abs(bearing) > halfFovRad)
                continue;
            var v = _objects[i].SpeedMps == 0 ? (0.0, 0.0) : (_vx[i], _vy[i]);
            var closing = -((v.Item1 - tvx) * dx + (v.Item2 - tvy) * dy) / range;
            var t = new RadarTarget(range, bearing * 180 / Math.PI, closing, _objects[i].RcsDbsm);
            // insertion into the nearest-first list; a full list drops its farthest
            var j = n < dest.Length ? n++ : dest.Length;
            if (j == dest.Length)
            {
                if (dest.Length == 0 || range >= dest[^1].RangeM)
                    continue;
                j = dest.Length - 1;
            }
            while (j > 0 && dest[j - 1].RangeM > range)
            {
                dest[j] = dest[j - 1];
                j--;
            }
            dest[j] = t;
        }
        return n;
    }
}

/// <summary>What a radar could see of one object: range (m), bearing (degrees, right positive), closing speed (m/s), RCS (dBsm).</summary>
internal readonly record struct RadarTarget(double RangeM, double AzimuthDeg, double ClosingSpeedMps, double RcsDbsm);
