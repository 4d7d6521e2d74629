using System.Globalization;

namespace Kavach.Simulation;

/// <summary>
/// One line of a route file (docs/route.md, CSV form) as the simulator drives it: the line's points in file order (its up
/// direction) and their chainage, computed exactly as the daemon's route map computes it (each segment's length from the
/// WGS 84 radii of curvature at its mid-latitude), so that the simulated train's distance along the line is the daemon's
/// chainage to rounding. Between points the position is linear in latitude and longitude, as the daemon's
/// <c>RouteMap.PointAt</c>. Only the columns <c>kind</c>, <c>lat</c>, <c>lon</c> and <c>line</c> are read; the daemon
/// checks the rest when it loads the same file. Immutable; thread-safe.
/// </summary>
public sealed class RouteLine
{
    /// <summary>WGS 84 semi-major axis, m, and first eccentricity squared (the daemon's <c>LocalFrame</c>).</summary>
    public const double SemiMajorAxisM = 6_378_137.0,
        EccentricitySquared = 6.69437999014e-3;

    private const double Rad = Math.PI / 180;
    private readonly double[] _lat,
        _lon,
        _chainage;

    private RouteLine(string id, List<(double Lat, double Lon)> points)
    {
        Id = id;
        _lat = [.. points.Select(p => p.Lat)];
        _lon = [.. points.Select(p => p.Lon)];
        _chainage = new double[points.Count];
        for (var i = 1; i < points.Count; i++)
            _chainage[i] = _chainage[i - 1] + DistanceM(_lat[i - 1], _lon[i - 1], _lat[i], _lon[i]);
    }

    /// <summary>The line's id (<c>line</c> column).</summary>
    public string Id { get; }

    /// <summary>Number of points (landmarks and track points) of the line.</summary>
    public int Count => _lat.Length;

    /// <summary>The line's length, m.</summary>
    public double LengthM => _chainage[^1];

    /// <summary>Latitude of point <paramref name="i"/>, degrees.</summary>
    public double LatitudeDeg(int i) => _lat[i];

    /// <summary>Longitude of point <paramref name="i"/>, degrees.</summary>
    public double LongitudeDeg(int i) => _lon[i];

    /// <summary>Chainage of point <paramref name="i"/>, m from the line's first point.</summary>
    public double ChainageM(int i) => _chainage[i];

    /// <summary>The segment holding <paramref name="chainageM"/> (the first or last beyond the ends) and the fraction of it
    /// (below 0 or above 1 beyond the ends: the end segments extended straight).</summary>
    public (int Segment, double Fraction) Locate(double chainageM)
    {
        var i = Array.BinarySearch(_chainage, chainageM);
        i = i >= 0 ? i : ~i - 1;
        i = Math.Clamp(i, 0, _chainage.Length - 2);
        var length = _chainage[i + 1] - _chainage[i];
        return (i, length > 0 ? (chainageM - _chainage[i]) / length : 0);
    }

    /// <summary>Metres per degree of latitude and of longitude at <paramref name="latDeg"/> (WGS 84), as the daemon's
    /// <c>LocalFrame.MetresPerDegree</c>.</summary>
    public static (double Lat, double Lon) MetresPerDegree(double latDeg)
    {
        var s = Math.Sin(latDeg * Rad);
        var w = 1 - EccentricitySquared * s * s;
        var n = SemiMajorAxisM / Math.Sqrt(w);
        var m = SemiMajorAxisM * (1 - EccentricitySquared) / (w * Math.Sqrt(w));
        return (m * Rad, n * Math.Cos(latDeg * Rad) * Rad);
    }

    /// <summary>Distance between two nearby points, m (the radii at their mid-latitude), as the daemon's
    /// <c>LocalFrame.DistanceM</c>.</summary>
    public static double DistanceM(double lat1Deg, double lon1Deg, double lat2Deg, double lon2Deg)
    {
        var (mLat, mLon) = MetresPerDegree((lat1Deg + lat2Deg) / 2);
        var dy = (lat2Deg - lat1Deg) * mLat;
        var dx = (lon2Deg - lon1Deg) * mLon;
        return Math.Sqrt(dx * dx + dy * dy);
    }

    /// <summary>
    /// Line <paramref name="line"/> of the CSV route <paramref name="text"/>, or null after adding one line per problem to
    /// <paramref name="errors"/> (each naming <paramref name="file"/>, the line number and the field).
    /// </summary>
    public static RouteLine? FromCsv(string text, string file, string line, List<string> errors)
    {
        var before = errors.Count;
        var points = new List<(double, double)>();
        var lines = new HashSet<string>(StringComparer.Ordinal);
        Dictionary<string, int>? columns = null;
        var fields = new List<string>();
        var lineNo = 0;
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            lineNo++;
            var row = lineNo == 1 && raw.Length > 0 && raw[0] == '\uFEFF' ? raw[1..] : raw;
            if (row.IsWhiteSpace() || row.TrimStart().StartsWith("#"))
                continue;
            var at = $"{file} line {lineNo}";
            if (!Split(row, fields))
            {
                errors.Add($"{at}: a quoted field has no closing quote");
                continue;
            }
            if (columns is null)
            {
                columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
                for (var i = 0; i < fields.Count; i++)
                    columns.TryAdd(fields[i].Trim(), i);
                foreach (var name in (string[])["kind", "lat", "lon", "line"])
                    if (!columns.ContainsKey(name))
                        errors.Add($"{at}: the header has no '{name}' column (docs/route.md)");
                if (errors.Count > before)
                    return null;
                continue;
            }
            if (fields.Count != columns.Count)
            {
                errors.Add($"{at}: has {fields.Count} fields, the header has {columns.Count}");
                continue;
            }
            var id = fields[columns["line"]].Trim();
            lines.Add(id);
            if (id != line)
                continue;
            if (!TryNumber(fields[columns["lat"]], out var lat) || lat is < -85 or > 85)
                errors.Add($"{at}, field lat: must be a latitude in degrees, got '{fields[columns["lat"]].Trim()}'");
            else if (!TryNumber(fields[columns["lon"]], out var lon) || lon is < -180 or > 180)
                errors.Add($"{at}, field lon: must be a longitude in degrees, got '{fields[columns["lon"]].Trim()}'");
            else
                points.Add((lat, lon));
        }
        if (columns is null)
            errors.Add($"{file}: has no header row (kind,name,lat,lon,line,direction[,km,speed_kmh])");
        else if (errors.Count == before && points.Count < 2)
            errors.Add(
                $"{file}: line '{line}' has {points.Count} points, a line needs at least two (lines in the file: {string.Join(", ", lines.Order(StringComparer.Ordinal))})"
            );
        return errors.Count == before ? new RouteLine(line, points) : null;
    }

    private static bool TryNumber(string field, out double value) =>
        double.TryParse(field.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    // RFC 4180 quoting within one line, as the daemon's route reader
    private static bool Split(ReadOnlySpan<char> row, List<string> fields)
    {
        fields.Clear();
        var b = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < row.Length; i++)
        {
            var c = row[i];
            if (quoted)
            {
                if (c != '"')
                    b.Append(c);
                else if (i + 1 < row.Length && row[i + 1] == '"')
                    b.Append(row[++i]);
                else
                    quoted = false;
            }
            else if (c == '"')
                quoted = true;
            else if (c == ',')
            {
                fields.Add(b.ToString());
                b.Clear();
            }
            else
                b.Append(c);
        }
        fields.Add(b.ToString());
        return !quoted;
    }
}
