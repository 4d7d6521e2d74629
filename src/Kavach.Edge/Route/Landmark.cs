namespace Kavach.Edge.Route;

/// <summary>
/// One row of a route file: a landmark, or a <see cref="LandmarkKind.Track"/> shape point, of one line. A class, so the
/// matcher hands out references to it without copying (no allocation per fix). Immutable.
/// </summary>
/// <param name="Kind">What it is.</param>
/// <param name="Name">Its name as the crew knows it ("Home signal S12"); may be empty for a track point.</param>
/// <param name="LatitudeDeg">WGS 84 latitude, degrees, north positive.</param>
/// <param name="LongitudeDeg">WGS 84 longitude, degrees, east positive.</param>
/// <param name="Line">The id of the line (track) it belongs to; the rows of one line in file order form its polyline.</param>
/// <param name="Direction">The direction of travel it applies to.</param>
/// <param name="KmPost">Kilometre post, km; NaN when not given.</param>
/// <param name="SpeedLimitKmh">Permitted speed of a speed restriction, km/h; NaN for the other kinds.</param>
/// <param name="Source">Where it was read ("deploy/route.sample.csv line 12"): for messages.</param>
public sealed record Landmark(
    LandmarkKind Kind,
    string Name,
    double LatitudeDeg,
    double LongitudeDeg,
    string Line,
    RouteDirection Direction,
    double KmPost,
    double SpeedLimitKmh,
    string Source
)
{
    /// <summary>True for every kind but <see cref="LandmarkKind.Track"/>: the crew is told of it.</summary>
    public bool Announced => Kind != LandmarkKind.Track;

    /// <summary>True when it applies to a train running <paramref name="travel"/> (up or down).</summary>
    public bool AppliesTo(RouteDirection travel) => Direction == RouteDirection.Both || Direction == travel;
}
