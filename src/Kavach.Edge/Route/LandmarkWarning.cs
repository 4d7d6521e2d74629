using Kavach.Edge.Configuration;

namespace Kavach.Edge.Route;

/// <summary>When a landmark ahead is warned of (docs/route.md, "Announcements"): one rule for the announcer and the floor.</summary>
public static class LandmarkWarning
{
    /// <summary>
    /// True when <paramref name="a"/> is within <see cref="RouteOptions.WarnDistanceM"/>, or within
    /// <see cref="RouteOptions.WarnTimeS"/> at the current speed, whichever comes first (the time reaches farther above
    /// WarnDistanceM / WarnTimeS: 60 km/h with the defaults).
    /// </summary>
    public static bool Within(in LandmarkAhead a, RouteOptions options) =>
        a.DistanceM <= options.WarnDistanceM || (options.WarnTimeS > 0 && a.TimeS <= options.WarnTimeS); // NaN time: false

    /// <summary>A speed restriction within its warning that <paramref name="speedKmh"/> exceeds: MEDIUM until the train is
    /// at or below the permitted speed, or has reached the restriction's start.</summary>
    public static bool RestrictionExceeded(in LandmarkAhead a, double speedKmh, RouteOptions options) =>
        a.Landmark.Kind == LandmarkKind.SpeedRestriction
        && double.IsFinite(a.Landmark.SpeedLimitKmh)
        && speedKmh > a.Landmark.SpeedLimitKmh
        && Within(a, options);
}
