namespace Kavach.Edge.Route;

/// <summary>
/// A loaded route: its lines as polylines in a local metric frame, each point with its chainage (metres along the line in
/// file order, the up direction), the announced landmarks of each line in chainage order, and a grid index of the
/// segments (<see cref="RouteGrid"/>). Built once at start-up and immutable after: one instance may serve any number of
/// <see cref="RouteMatcher"/>s on any threads.
/// </summary>
public sealed class RouteMap
{
    /// <summary>Longest distance between two consecutive points of a line, m: a longer gap is a survey error (a mistyped
    /// digit moves a point kilometres away) or a line that needs track points.</summary>
    public const double MaxSegmentM = 10_000;

    /// <summary>Farthest a point may lie from the route's centre, m: beyond it the local frame's scale error exceeds 2 %.</summary>
    public const double MaxExtentM = 250_000;

    /// <summary>The lines' ids, by line index.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>Every point of every line, line after line, each line in file order.</summary>
    public IReadOnlyList<Landmark> Points => _points;

    /// <summary>The local frame of the route.</summary>
    public LocalFrame Frame { get; }

    /// <summary>The segment index.</summary>
    public RouteGrid Grid { get; }

    /// <summary>Number of segments (a segment joins point i to point i + 1 of one line; its id is i).</summary>
    public int SegmentCount => _segmentLine.Length;

    private readonly Landmark[] _points;
    internal readonly double[] X,
        Y,
        Chainage;

    // per line: its first point and one past its last
    internal readonly int[] LineStart,
        LineEnd;

    // per segment id (= index of its first point): the line, or -1 where point i is a line's last
    private readonly int[] _segmentLine;

    // per line: the announced landmarks (indices into Points) in chainage order, and their chainages
    internal readonly int[][] Marks;
    internal readonly double[][] MarkChainage;

    private RouteMap(List<Landmark> ordered, List<string> lines, List<int> lineStart, LocalFrame frame, double cellM)
    {
        _points = [.. ordered];
        Lines = lines;
        Frame = frame;
        var n = _points.Length;
        X = new double[n];
        Y = new double[n];
        Chainage = new double[n];
        LineStart = [.. lineStart];
        LineEnd = new int[lines.Count];
        for (var l = 0; l < lines.Count; l++)
            LineEnd[l] = l + 1 < lines.Count ? lineStart[l + 1] : n;
        _segmentLine = new int[n];
        Marks = new int[lines.Count][];
        MarkChainage = new double[lines.Count][];
        for (var i = 0; i < n; i++)
        {
            X[i] = frame.X(_points[i].LongitudeDeg);
            Y[i] = frame.Y(_points[i].LatitudeDeg);
        }
        for (var l = 0; l < lines.Count; l++)
        {
            var marks = new List<int>();
            for (var i = LineStart[l]; i < LineEnd[l]; i++)
            {
                if (i > LineStart[l])
                    Chainage[i] = Chainage[i - 1] + SegmentLengthM(i - 1);
                _segmentLine[i] = i + 1 < LineEnd[l] ? l : -1;
                if (_points[i].Announced)
                    marks.Add(i);
            }
            Marks[l] = [.. marks];
            MarkChainage[l] = [.. marks.Select(i => Chainage[i])];
        }
        Grid = RouteGrid.Build(this, cellM);
    }

    /// <summary>Great-circle length of segment <paramref name="segment"/>, m.</summary>
    internal double SegmentLengthM(int segment) =>
        LocalFrame.DistanceM(
            _points[segment].LatitudeDeg,
            _points[segment].LongitudeDeg,
            _points[segment + 1].LatitudeDeg,
            _points[segment + 1].LongitudeDeg
        );

    /// <summary>The line of segment <paramref name="segment"/>, or -1 when the id is a line's last point (no segment).</summary>
    internal int SegmentLine(int segment) => _segmentLine[segment];

    /// <summary>The index of line <paramref name="id"/>, or -1.</summary>
    public int LineIndex(string id)
    {
        for (var l = 0; l < Lines.Count; l++)
            if (Lines[l] == id)
                return l;
        return -1;
    }

    /// <summary>Length of line <paramref name="line"/>, m.</summary>
    public double LineLengthM(int line) => Chainage[LineEnd[line] - 1];

    /// <summary>Chainage of point <paramref name="point"/> (an index into <see cref="Points"/>), m.</summary>
    public double ChainageOf(int point) => Chainage[point];

    /// <summary>
    /// The point at <paramref name="chainageM"/> along line <paramref name="line"/> (clamped to the line), with the line's
    /// bearing there in the up direction (degrees true): for simulators and tests that drive along a route.
    /// </summary>
    public (double LatitudeDeg, double LongitudeDeg, double BearingDeg) PointAt(int line, double chainageM)
    {
        var first = LineStart[line];
        var last = LineEnd[line] - 1;
        chainageM = Math.Clamp(chainageM, 0, Chainage[last]);
        var i = Array.BinarySearch(Chainage, first, last - first + 1, chainageM);
        i = i >= 0 ? i : ~i - 1;
        i = Math.Clamp(i, first, last - 1);
        while (i < last - 1 && Chainage[i + 1] - Chainage[i] <= 0)
            i++;
        var length = Chainage[i + 1] - Chainage[i];
        var t = length > 0 ? Math.Clamp((chainageM - Chainage[i]) / length, 0, 1) : 0;
        var a = _points[i];
        var b = _points[i + 1];
        var bearing = Math.Atan2(X[i + 1] - X[i], Y[i + 1] - Y[i]) * (180 / Math.PI);
        return (
            a.LatitudeDeg + t * (b.LatitudeDeg - a.LatitudeDeg),
            a.LongitudeDeg + t * (b.LongitudeDeg - a.LongitudeDeg),
            (bearing + 360) % 360
        );
    }

    /// <summary>
    /// A route from rows already checked one by one (<see cref="RouteRow"/>); the checks that need a whole line or the
    /// whole route (a line of one point, a gap longer than <see cref="MaxSegmentM"/>, kilometre posts out of order, a point
    /// beyond <see cref="MaxExtentM"/>) add one line each to <paramref name="errors"/>, naming the row; null when any fails.
    /// Rows of one line keep their order across files (the files in the order given).
    /// </summary>
    public static RouteMap? Build(IReadOnlyList<Landmark> rows, List<string> errors, double cellM = RouteGrid.DefaultCellM)
    {
        var before = errors.Count;
        if (rows.Count == 0)
        {
            errors.Add("Route: the route files hold no rows");
            return null;
        }
        var lines = new List<string>();
        var byLine = new Dictionary<string, List<Landmark>>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (!byLine.TryGetValue(row.Line, out var list))
            {
                byLine[row.Line] = list = [];
                lines.Add(row.Line);
            }
            list.Add(row);
        }
        double minLat = rows.Min(r => r.LatitudeDeg),
            maxLat = rows.Max(r => r.LatitudeDeg),
            minLon = rows.Min(r => r.LongitudeDeg),
            maxLon = rows.Max(r => r.LongitudeDeg);
        var frame = new LocalFrame((minLat + maxLat) / 2, (minLon + maxLon) / 2);
        var ordered = new List<Landmark>(rows.Count);
        var starts = new List<int>(lines.Count);
        foreach (var id in lines)
        {
            var line = byLine[id];
            if (line.Count < 2)
                errors.Add($"{line[0].Source}, field line: line '{id}' has only this point; a line needs at least two to have a direction");
            var kmSign = 0;
            Landmark? lastKm = null;
            for (var i = 0; i < line.Count; i++)
            {
                var p = line[i];
                var fromCentre = Math.Sqrt(Sq(frame.X(p.LongitudeDeg)) + Sq(frame.Y(p.LatitudeDeg)));
                if (fromCentre > MaxExtentM)
                    errors.Add(
                        $"{p.Source}, field lat: {fromCentre / 1000:0} km from the route's centre (at most {MaxExtentM / 1000:0} km: split the route, or check the digits)"
                    );
                if (i > 0)
                {
                    var q = line[i - 1];
                    var gap = LocalFrame.DistanceM(q.LatitudeDeg, q.LongitudeDeg, p.LatitudeDeg, p.LongitudeDeg);
                    if (gap > MaxSegmentM)
                        errors.Add(
                            $"{p.Source}, field lat: {gap / 1000:0.0} km from the line's previous point ({q.Source}); at most {MaxSegmentM / 1000:0} km (add track points, or check the digits)"
                        );
                }
                if (double.IsNaN(p.KmPost))
                    continue;
                if (lastKm is not null && p.KmPost != lastKm.KmPost)
                {
                    var sign = Math.Sign(p.KmPost - lastKm.KmPost);
                    if (kmSign != 0 && sign != kmSign)
                        errors.Add(
                            $"{p.Source}, field km: {p.KmPost} breaks the order of line '{id}''s kilometre posts ({lastKm.KmPost} at {lastKm.Source}): the rows of a line must be in track order"
                        );
                    kmSign = sign;
                }
                lastKm = p;
            }
            starts.Add(ordered.Count);
            ordered.AddRange(line);
        }
        return errors.Count == before ? new RouteMap(ordered, lines, starts, frame, cellM) : null;
    }

    private static double Sq(double v) => v * v;
}
