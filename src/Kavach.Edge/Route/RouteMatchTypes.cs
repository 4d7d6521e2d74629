using Kavach.Edge.Locomotive;

namespace Kavach.Edge.Route;

/// <summary>Which way the train runs along its line: up is the line's file order.</summary>
public enum TravelDirection
{
    /// <summary>Not known yet (standing since start-up, or just moved to another line without a course).</summary>
    Unknown = 0,

    /// <summary>In the line's file order (chainage increasing).</summary>
    Up = 1,

    /// <summary>Against the line's file order (chainage decreasing).</summary>
    Down = 2,
}

/// <summary>What the matcher can say of the train's place on the route.</summary>
public enum RouteState
{
    /// <summary>Position unknown: nothing about landmarks may be shown but that (see <see cref="RouteUnknownReason"/>).</summary>
    Unknown = 0,

    /// <summary>The latest fix was matched to the line.</summary>
    Matched = 1,

    /// <summary>The latest fix was rejected as an outlier; the position is carried along the line by speed × time.</summary>
    Predicted = 2,
}

/// <summary>Why the position is unknown.</summary>
public enum RouteUnknownReason
{
    /// <summary>It is known.</summary>
    None = 0,

    /// <summary>No position fix yet.</summary>
    NoFix = 1,

    /// <summary>The GNSS speed tracker's trust is not Trusted (no fix, dead reckoning, poor geometry, stale).</summary>
    GnssNotTrusted = 2,

    /// <summary>No position fix for longer than <see cref="RouteMatchOptions.StaleMs"/>.</summary>
    Stale = 3,

    /// <summary>Fixes are near a line, but not yet enough consistent ones to say which line and where.</summary>
    Acquiring = 4,

    /// <summary>The fixes are farther than <see cref="RouteMatchOptions.MaxOffsetM"/> from every line of the route.</summary>
    OffRoute = 5,

    /// <summary>Fixes were rejected as outliers for longer than <see cref="RouteMatchOptions.MaxPredictS"/>.</summary>
    Outliers = 6,
}

/// <summary>One GNSS position with the tracker's view of it. Position NaN: a sentence without one (VTG, or no fix).</summary>
/// <param name="Timestamp">Arrival time, <see cref="TimeProvider.GetTimestamp"/> units.</param>
/// <param name="LatitudeDeg">Latitude, degrees.</param>
/// <param name="LongitudeDeg">Longitude, degrees.</param>
/// <param name="SpeedMps">Speed over ground, m/s (the tracker's).</param>
/// <param name="CourseDeg">Course over ground, degrees true; NaN when unknown.</param>
/// <param name="Trust">The tracker's trust in the fix (<see cref="GnssSpeedTracker"/>).</param>
public readonly record struct GnssFix(
    long Timestamp,
    double LatitudeDeg,
    double LongitudeDeg,
    double SpeedMps,
    double CourseDeg,
    SpeedTrust Trust
);

/// <summary>A landmark ahead of the train in its direction of travel.</summary>
/// <param name="Landmark">The landmark (a reference into the route: no copy).</param>
/// <param name="DistanceM">Distance along the line, m.</param>
/// <param name="TimeS">Time to reach it at the current speed, s; NaN when standing or the speed is unknown.</param>
public readonly record struct LandmarkAhead(Landmark Landmark, double DistanceM, double TimeS);

/// <summary>Where the train is on the route, at one moment.</summary>
/// <param name="State">Matched, predicted, or unknown.</param>
/// <param name="Reason">Why unknown (<see cref="RouteUnknownReason.None"/> when known).</param>
/// <param name="LineIndex">The matched line's index in the route; -1 when unknown.</param>
/// <param name="Line">The matched line's id; null when unknown.</param>
/// <param name="ChainageM">Metres along the line from its first point; NaN when unknown.</param>
/// <param name="Direction">Direction of travel along the line.</param>
/// <param name="LateralOffsetM">The fix's distance from the line, m, right of the up direction positive; NaN when unknown.</param>
/// <param name="SpeedMps">The speed the times are computed from, m/s; NaN when unknown.</param>
/// <param name="AheadCount">How many landmarks were written to the caller's span.</param>
public readonly record struct RoutePosition(
    RouteState State,
    RouteUnknownReason Reason,
    int LineIndex,
    string? Line,
    double ChainageM,
    TravelDirection Direction,
    double LateralOffsetM,
    double SpeedMps,
    int AheadCount
)
{
    /// <summary>True unless the position is unknown.</summary>
    public bool Known => State != RouteState.Unknown;

    /// <summary>Position unknown, for <paramref name="reason"/>.</summary>
    public static RoutePosition Unknown(RouteUnknownReason reason) =>
        new(RouteState.Unknown, reason, -1, null, double.NaN, TravelDirection.Unknown, double.NaN, double.NaN, 0);
}

/// <summary>
/// The matcher's thresholds. Constants of the design (docs/route.md gives the reasons), not configuration keys, except
/// <see cref="StaleMs"/>, which is the gnss sensor's StaleMs.
/// </summary>
public sealed record RouteMatchOptions
{
    /// <summary>A fix farther than this from a line is not on it, m: an outlier, or off the surveyed route. At most the grid's
    /// cell size.</summary>
    public double MaxOffsetM { get; init; } = 60;

    /// <summary>A fix's chainage may differ from the one predicted by speed × time by this much, m, plus the terms below.</summary>
    public double JumpMarginM { get; init; } = 30;

    /// <summary>...plus this fraction of the distance run since the last fix (speed and timing errors).</summary>
    public double JumpDistanceFraction { get; init; } = 0.25;

    /// <summary>...plus this speed error times the time since the last fix, m/s (acceleration between fixes).</summary>
    public double JumpSpeedErrorMps { get; init; } = 2;

    /// <summary>Consecutive fixes nearer another line before the train is taken to be on it.</summary>
    public int SwitchFixes { get; init; } = 5;

    /// <summary>...spanning at least this long, s (at 10 Hz five fixes are only half a second).</summary>
    public double SwitchMinS { get; init; } = 3;

    /// <summary>Consecutive consistent fixes on one line before a position is first given (or given again after a loss).</summary>
    public int AcquireFixes { get; init; } = 3;

    /// <summary>A nearer line is taken over the line the train was on before a loss only when nearer by more than this, m.</summary>
    public double PreferPreviousLineM { get; init; } = 15;

    /// <summary>Fixes rejected for longer than this, s: position unknown (the prediction is no longer worth showing).</summary>
    public double MaxPredictS { get; init; } = 3;

    /// <summary>No position fix for longer than this, ms: position unknown. The gnss sensor's StaleMs (default 1500).</summary>
    public int StaleMs { get; init; } = 1500;

    /// <summary>Above this speed the GNSS course decides the direction, m/s (below it a receiver's course is noise).</summary>
    public double MinCourseSpeedMps { get; init; } = 2;

    /// <summary>Below this speed the train is taken to stand: no progress counts, and no time to a landmark is given, m/s.</summary>
    public double StandingSpeedMps { get; init; } = 0.5;

    /// <summary>Chainage progress that sets the direction when the course cannot, m (several times the fixes' noise).</summary>
    public double ProgressM { get; init; } = 20;

    /// <summary>Consecutive indications of the other direction before a reversal is taken.</summary>
    public int ReverseFixes { get; init; } = 2;

    /// <summary>A course within this angle of the line's bearing (or of its opposite) says the direction, degrees.</summary>
    public double CourseToleranceDeg { get; init; } = 60;
}
