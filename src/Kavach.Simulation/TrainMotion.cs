namespace Kavach.Simulation;

/// <summary>Where the sensors stand (scenario key <c>platform</c>).</summary>
public enum Platform
{
    /// <summary><c>trackside</c>: a fixed post looking along the line; the obstacle and background are ranges from it.</summary>
    Trackside = 0,

    /// <summary><c>locomotive</c>: a cab looking forward from a moving train (<see cref="Scenario.Train"/>,
    /// <see cref="Scenario.Objects"/>).</summary>
    Locomotive,
}

/// <summary>Which way a curve turns, seen in the direction of travel (scenario key <c>train.track[].direction</c>).</summary>
public enum CurveDirection
{
    /// <summary>A straight segment.</summary>
    Straight = 0,

    /// <summary><c>left</c>: the course decreases.</summary>
    Left,

    /// <summary><c>right</c>: the course increases.</summary>
    Right,
}

/// <summary>
/// The train of a locomotive scenario (scenario key <c>train</c>): its speed over time, the track it runs on and where
/// it starts. The sensors sit on the cab front, which is at distance 0 along the track at time 0. Braking is not
/// modelled: the train keeps its profile whatever the sensors see.
/// </summary>
public sealed record TrainMotion
{
    /// <summary>Speed keyframes (<c>speedProfile</c>), strictly increasing times, interpolated linearly, held before the first and after
    /// the last.</summary>
    public required IReadOnlyList<SpeedKeyframe> SpeedProfile { get; init; }

    /// <summary>Track segments from the start (<c>track</c>); beyond the last one the track runs straight. Empty: straight for
    /// ever.</summary>
    public IReadOnlyList<TrackSegment> Track { get; init; } = [];

    /// <summary>Position, course and time at the start (<c>start</c>), for the GNSS fixes.</summary>
    public required TrainStart Start { get; init; }

    /// <summary>
    /// Half-width of the space the train sweeps, metres (<c>corridorHalfWidthM</c>): an object whose lateral offset is within
    /// it is on the track (the ground truth's "obstacle"). Default 2.0 m, the daemon's <c>Train.CorridorHalfWidthM</c> default
    /// (half the broad-gauge moving dimension width of about 3.66 m, plus a little).
    /// </summary>
    public double CorridorHalfWidthM { get; init; } = 2.0;

    /// <summary>A line of a route file the train follows instead of <see cref="Track"/> (<c>route</c>); null: the track. With a
    /// route, <see cref="Start"/>'s position and course are the route's at <see cref="TrainRoute.StartM"/>.</summary>
    public TrainRoute? Route { get; init; }
}

/// <summary>Which way a train runs along a route line: <c>up</c> in the file's order of points (chainage growing), or
/// <c>down</c> (docs/route.md).</summary>
public enum RouteTravel
{
    /// <summary><c>up</c>: chainage grows.</summary>
    Up = 0,

    /// <summary><c>down</c>: chainage falls.</summary>
    Down,
}

/// <summary>
/// A route the train drives (scenario key <c>train.route</c>): a line of a route file (docs/route.md, CSV), followed from
/// <see cref="StartM"/> in <see cref="Direction"/>, so that the GNSS fixes run exactly along the line the daemon is given.
/// </summary>
public sealed record TrainRoute
{
    /// <summary>The route file as named in the scenario (<c>file</c>): relative to the scenario file's folder, or the name
    /// of a route embedded with the built-in scenarios (<c>route.sample.csv</c>, deploy/'s sample route).</summary>
    public required string File { get; init; }

    /// <summary>The file's text, for a test or demo to give the daemon the very same route.</summary>
    public required string Text { get; init; }

    /// <summary>The line driven (<c>line</c>).</summary>
    public required RouteLine Geometry { get; init; }

    /// <summary>Up or down the line (<c>direction</c>, default up).</summary>
    public RouteTravel Direction { get; init; }

    /// <summary>Where the cab starts, m of chainage from the line's first point (<c>startM</c>, default 0).</summary>
    public double StartM { get; init; }
}

/// <summary>The train's speed at a time (scenario key <c>train.speedProfile[]</c>).</summary>
/// <param name="TimeS">Scenario time, seconds (<c>tS</c>).</param>
/// <param name="SpeedKmh">Speed, km/h (<c>speedKmh</c>), 0–200.</param>
public sealed record SpeedKeyframe(double TimeS, double SpeedKmh);

/// <summary>One piece of track (scenario key <c>train.track[]</c>): straight, or a circular curve of <see cref="RadiusM"/>.</summary>
/// <param name="LengthM">Length along the track, metres (<c>lengthM</c>).</param>
/// <param name="RadiusM">Curve radius, metres (<c>radiusM</c>); null for a straight.</param>
/// <param name="Direction">Which way the curve turns (<c>direction</c>: <c>left</c> or <c>right</c>); <see cref="CurveDirection.Straight"/>
/// without a radius.</param>
public sealed record TrackSegment(double LengthM, double? RadiusM = null, CurveDirection Direction = CurveDirection.Straight);

/// <summary>Where the cab is at time 0 (scenario key <c>train.start</c>).</summary>
public sealed record TrainStart
{
    /// <summary>Latitude, degrees north (<c>latitudeDeg</c>).</summary>
    public required double LatitudeDeg { get; init; }

    /// <summary>Longitude, degrees east (<c>longitudeDeg</c>).</summary>
    public required double LongitudeDeg { get; init; }

    /// <summary>Course at the start, degrees true, clockwise from north (<c>courseDeg</c>).</summary>
    public required double CourseDeg { get; init; }

    /// <summary>Altitude above mean sea level, metres (<c>altitudeM</c>, default 216: Delhi).</summary>
    public double AltitudeM { get; init; } = 216;

    /// <summary>UTC at scenario time 0 (<c>utc</c>, ISO 8601, default 2026-01-15T06:30:00Z: a foggy winter morning in north
    /// India).</summary>
    public DateTime Utc { get; init; } = new(2026, 1, 15, 6, 30, 0, DateTimeKind.Utc);
}

/// <summary>
/// Something in the world of a locomotive scenario (scenario key <c>objects[]</c>): on the track (lateral offset within
/// <see cref="TrainMotion.CorridorHalfWidthM"/>: a vehicle stalled on a crossing) or beside it (a mast, a tree, a platform
/// edge, a bridge pier). Placed by distance along the track from the train's start and lateral offset from the track
/// centre (right positive, in the direction of travel).
/// </summary>
public sealed record TrackObject
{
    /// <summary>A label for logs and tests (<c>name</c>).</summary>
    public string Name { get; init; } = "";

    /// <summary>Distance along the track from the train's start position at time 0, metres (<c>atM</c>).</summary>
    public required double AtM { get; init; }

    /// <summary>Lateral offset from the track centre, metres, right positive (<c>lateralM</c>, default 0: on the track).</summary>
    public double LateralM { get; init; }

    /// <summary>Width across the line of sight, metres (<c>widthM</c>, default 2: a car).</summary>
    public double WidthM { get; init; } = 2;

    /// <summary>LiDAR reflectivity ρ at 905 nm, 0..1 (<c>reflectivity</c>).</summary>
    public double Reflectivity { get; init; } = 0.5;

    /// <summary>Radar cross-section, dBsm (<c>rcsDbsm</c>).</summary>
    public double RcsDbsm { get; init; } = 10;

    /// <summary>Speed along the track, m/s, positive in the train's direction of travel (<c>speedMps</c>, default 0: static).</summary>
    public double SpeedMps { get; init; }

    /// <summary>The object exists from this scenario time, seconds (<c>fromS</c>, default 0).</summary>
    public double FromS { get; init; }

    /// <summary>The object exists until this scenario time, seconds (<c>toS</c>, default for ever).</summary>
    public double ToS { get; init; } = double.PositiveInfinity;

    /// <summary>Distance along the track at <paramref name="tS"/>.</summary>
    public double AlongAt(double tS) => AtM + SpeedMps * tS;

    /// <summary>Whether the object exists at <paramref name="tS"/>.</summary>
    public bool PresentAt(double tS) => tS >= FromS && tS < ToS;
}
