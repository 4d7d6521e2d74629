namespace Kavach.Edge.Route;

/// <summary>
/// The checks every route row passes, whatever its file format (docs/route.md): one error line per bad field, naming the
/// file, the row (CSV line number or GeoJSON feature index) and the field, in the style of the configuration's refusals.
/// </summary>
internal static class RouteRow
{
    /// <summary>Field names, the same in both formats (CSV header, GeoJSON properties).</summary>
    public const string KindField = "kind",
        NameField = "name",
        LatField = "lat",
        LonField = "lon",
        LineField = "line",
        DirectionField = "direction",
        KmField = "km",
        SpeedField = "speed_kmh";

    /// <summary>Lowest and highest permitted speed of a restriction, km/h (Indian broad gauge runs up to 160; 250 leaves room).</summary>
    public const double MinSpeedKmh = 5,
        MaxSpeedKmh = 250;

    /// <summary>Longest name and line id accepted (a name is shown on a 7-inch cab screen).</summary>
    public const int MaxNameLength = 64,
        MaxLineLength = 32;

    /// <summary>
    /// A landmark from a row's values, or null after adding one line per bad field to <paramref name="errors"/>.
    /// Absent numbers are NaN; a number the format reader already refused is infinite (not reported twice); absent
    /// strings null or empty. <paramref name="row"/> names the row for messages ("route.csv line 12"); each message is
    /// "<paramref name="row"/>, field F: problem".
    /// </summary>
    public static Landmark? Build(
        string row,
        string? kindText,
        string? name,
        double lat,
        double lon,
        string? line,
        string? directionText,
        double km,
        double speedKmh,
        List<string> errors
    )
    {
        var before = errors.Count;
        var reported = double.IsInfinity(lat) || double.IsInfinity(lon) || double.IsInfinity(km) || double.IsInfinity(speedKmh);
        void Error(string field, string message) => errors.Add($"{row}, field {field}: {message}");

        kindText = kindText?.Trim() ?? "";
        var kind = LandmarkKind.Custom;
        if (kindText.Length == 0)
            Error(KindField, $"is required (one of {RouteNames.KindList})");
        else if (!RouteNames.TryKind(kindText, out kind))
            Error(KindField, $"must be one of {RouteNames.KindList}, got '{kindText}'");
        var kindKnown = errors.Count == before;

        name = name?.Trim() ?? "";
        if (name.Length == 0 && kindKnown && kind != LandmarkKind.Track)
            Error(NameField, $"is required for a {RouteNames.Kind(kind)} (the crew is told its name)");
        else if (name.Length > MaxNameLength)
            Error(NameField, $"must be at most {MaxNameLength} characters, got {name.Length}");

        if (double.IsNaN(lat))
            Error(LatField, "is required (WGS 84 degrees, north positive)");
        else if (double.IsFinite(lat) && lat is < -90 or > 90)
            Error(LatField, $"must be -90 to 90 degrees, got {lat}");
        if (double.IsNaN(lon))
            Error(LonField, "is required (WGS 84 degrees, east positive)");
        else if (double.IsFinite(lon) && lon is < -180 or > 180)
            Error(LonField, $"must be -180 to 180 degrees, got {lon}");

        line = line?.Trim() ?? "";
        if (line.Length == 0)
            Error(LineField, "is required (the id of the line or track the row belongs to, e.g. UP-MAIN)");
        else if (line.Length > MaxLineLength)
            Error(LineField, $"must be at most {MaxLineLength} characters, got {line.Length}");

        directionText = directionText?.Trim() ?? "";
        var direction = RouteDirection.Both;
        if (directionText.Length == 0)
        {
            if (!kindKnown || kind != LandmarkKind.Track)
                Error(DirectionField, "is required: up, down or both (the direction of travel it applies to)");
        }
        else if (!RouteNames.TryDirection(directionText, out direction))
            Error(DirectionField, $"must be up, down or both, got '{directionText}'");

        if (double.IsFinite(km) && km is < 0 or > 100_000)
            Error(KmField, $"must be 0-100000 km, got {km}");

        if (kindKnown && kind == LandmarkKind.SpeedRestriction)
        {
            if (double.IsNaN(speedKmh))
                Error(SpeedField, $"is required for a speed-restriction (the permitted speed, {MinSpeedKmh}-{MaxSpeedKmh} km/h)");
            else if (double.IsFinite(speedKmh) && speedKmh is < MinSpeedKmh or > MaxSpeedKmh)
                Error(SpeedField, $"must be {MinSpeedKmh}-{MaxSpeedKmh} km/h, got {speedKmh}");
        }
        else if (double.IsFinite(speedKmh) && kindKnown)
            Error(SpeedField, $"is only for a speed-restriction, not a {RouteNames.Kind(kind)} (a shifted column?)");

        if (errors.Count != before || reported)
            return null;
        return new Landmark(kind, name, lat, lon, line, direction, km, speedKmh, row);
    }
}
