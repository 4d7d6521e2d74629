namespace Kavach.Edge.Route;

/// <summary>
/// The route at one fusion tick: where the train is and the landmarks ahead, nearest first (at most <see cref="Shown"/>).
/// Immutable once published; made by the fusion engine, read by the floor (speed restrictions), the announcer, the page
/// and telemetry.
/// </summary>
/// <param name="Position">The matcher's position (unknown: no landmark is shown, only why).</param>
/// <param name="Ahead">The landmarks ahead in the direction of travel, nearest first; empty when the position or the
/// direction is unknown.</param>
public sealed record RouteView(RoutePosition Position, ReadOnlyMemory<LandmarkAhead> Ahead)
{
    /// <summary>How many landmarks ahead are shown and announced from: the three a GPS fog device shows.</summary>
    public const int Shown = 3;

    /// <summary>The state as shown and sent: "on-route" or "position-unknown".</summary>
    public string StateName => Position.Known ? "on-route" : "position-unknown";

    /// <summary>Why the position is unknown, as shown and sent ("gnss-not-trusted"); null when known.</summary>
    public string? ReasonName =>
        Position.Reason switch
        {
            RouteUnknownReason.None => null,
            RouteUnknownReason.NoFix => "no-fix",
            RouteUnknownReason.GnssNotTrusted => "gnss-not-trusted",
            RouteUnknownReason.Stale => "stale",
            RouteUnknownReason.Acquiring => "acquiring",
            RouteUnknownReason.OffRoute => "off-route",
            _ => "outliers",
        };

    /// <summary>The direction as shown and sent ("up", "down"); null when unknown.</summary>
    public string? DirectionName =>
        Position.Direction switch
        {
            TravelDirection.Up => "up",
            TravelDirection.Down => "down",
            _ => null,
        };
}
