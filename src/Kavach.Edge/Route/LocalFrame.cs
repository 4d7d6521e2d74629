namespace Kavach.Edge.Route;

/// <summary>
/// An equirectangular projection about a route's centre on the WGS 84 ellipsoid: x = N0·cos φ0·Δλ (east), y = M0·Δφ
/// (north), metres, with M0 and N0 the meridional and prime-vertical radii of curvature at the centre's latitude φ0. It
/// is used to find the nearest segment and the offset from it. Its east–west scale is wrong by about tan φ0 · Δφ away
/// from φ0 (26.8° N: 0.8 % at 100 km north or south; docs/route.md), so chainage does not come from it: segment lengths
/// are <see cref="DistanceM"/>, exact to about 1e-5 for the short segments of a route.
/// </summary>
public readonly struct LocalFrame
{
    /// <summary>WGS 84 semi-major axis, m.</summary>
    public const double SemiMajorAxisM = 6_378_137.0;

    /// <summary>WGS 84 first eccentricity squared.</summary>
    public const double EccentricitySquared = 6.69437999014e-3;

    private const double Rad = Math.PI / 180;

    private readonly double _mPerDegLat;
    private readonly double _mPerDegLon;

    /// <summary>A frame about (<paramref name="centreLatDeg"/>, <paramref name="centreLonDeg"/>).</summary>
    public LocalFrame(double centreLatDeg, double centreLonDeg)
    {
        CentreLatDeg = centreLatDeg;
        CentreLonDeg = centreLonDeg;
        (_mPerDegLat, _mPerDegLon) = MetresPerDegree(centreLatDeg);
    }

    /// <summary>The centre's latitude, degrees.</summary>
    public double CentreLatDeg { get; }

    /// <summary>The centre's longitude, degrees.</summary>
    public double CentreLonDeg { get; }

    /// <summary>Metres east of the centre.</summary>
    public double X(double lonDeg) => (lonDeg - CentreLonDeg) * _mPerDegLon;

    /// <summary>Metres north of the centre.</summary>
    public double Y(double latDeg) => (latDeg - CentreLatDeg) * _mPerDegLat;

    /// <summary>Metres per degree of latitude and of longitude at <paramref name="latDeg"/> (WGS 84).</summary>
    public static (double Lat, double Lon) MetresPerDegree(double latDeg)
    {
        var s = Math.Sin(latDeg * Rad);
        var w = 1 - EccentricitySquared * s * s;
        var n = SemiMajorAxisM / Math.Sqrt(w); // prime vertical radius of curvature
        var m = SemiMajorAxisM * (1 - EccentricitySquared) / (w * Math.Sqrt(w)); // meridional radius of curvature
        return (m * Rad, n * Math.Cos(latDeg * Rad) * Rad);
    }

    /// <summary>
    /// Distance between two nearby points, m: the local radii of curvature at their mid latitude. For the few kilometres
    /// between a route's points it is within about 1e-5 of the geodesic (the route reader refuses longer segments).
    /// </summary>
    public static double DistanceM(double lat1Deg, double lon1Deg, double lat2Deg, double lon2Deg)
    {
        var (mLat, mLon) = MetresPerDegree((lat1Deg + lat2Deg) / 2);
        var dy = (lat2Deg - lat1Deg) * mLat;
        var dx = (lon2Deg - lon1Deg) * mLon;
        return Math.Sqrt(dx * dx + dy * dy);
    }
}
