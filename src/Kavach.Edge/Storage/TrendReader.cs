using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Kavach.Edge.Storage;

/// <summary>Which trends to read: buckets of <see cref="StepS"/> seconds from <see cref="FromS"/> (a multiple of the step) to
/// <see cref="ToS"/> (exclusive), unix seconds.</summary>
public sealed record TrendQuery(long FromS, long ToS, int StepS)
{
    public int Points => (int)((ToS - FromS + StepS - 1) / StepS);
}

/// <summary>One sensor's series, one value per bucket (null: no live row of that sensor in the bucket). Keys by kind: all
/// <c>frameRateHz</c>; lidar <c>noReturn</c>, <c>rangeM</c>, <c>strength</c>; radar <c>noReturn</c>, <c>rangeM</c>, <c>snrDb</c>,
/// <c>ttcS</c>; camera <c>visibilityM</c>.</summary>
public sealed record TrendSensor(string Name, string Kind, IReadOnlyDictionary<string, double?[]> Series);

/// <summary>A level held from <see cref="From"/> to <see cref="To"/> (unix seconds, ms precision; clipped to the query).</summary>
public sealed record TrendLevel(double From, double To, string Level);

/// <summary>
/// Trends, columnar: <see cref="T"/> holds each bucket's start; the unit-wide series (<see cref="Series"/>: <c>visibilityM</c>,
/// <c>rangeM</c>, <c>ttcS</c>, <c>coverage</c>) and each sensor's are arrays of the same length. <see cref="Level"/> is the worst
/// level stored in each bucket (null where no summary row exists: the daemon was not running there, so no level is claimed).
/// </summary>
public sealed record TrendPage(
    long From,
    long To,
    int Step,
    long[] T,
    IReadOnlyDictionary<string, double?[]> Series,
    string?[] Level,
    IReadOnlyList<TrendLevel> Levels,
    IReadOnlyList<TrendSensor> Sensors
)
{
    /// <summary>The configured MEDIUM visibility (Risk.MediumVisibilityM), for the chart's line; set by the API.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public double? MediumVisibilityM { get; init; }
}

/// <summary>Trends for readers outside storage (the local API). Thread-safe; throws <see cref="StorageReadException"/>.</summary>
public interface ITrendReader
{
    TrendPage Read(TrendQuery query);
}

/// <summary>
/// Downsamples the per-second <c>summaries</c> in SQL (GROUP BY bucket, sensor) through a read-only connection opened per query,
/// and turns the <c>events</c> table's level changes into intervals. <c>summaries</c> has no index but its rowid: its rows are
/// appended in time order, so the rows of a time range are found by a binary search on the rowid (about 25 single-row lookups)
/// and the scan reads only that range. A clock stepped backwards can break that order; the <c>ts_s</c> filter still applies, so
/// the worst case is a row missed next to such a step, never a wrong value.
/// </summary>
public sealed class TrendReader(string databasePath) : ITrendReader
{
    private static readonly string[] Order = ["LOW", "MEDIUM", "HIGH", "FAULT"];

    public TrendPage Read(TrendQuery q)
    {
        try
        {
            using var db = new SqliteConnection(
                new SqliteConnectionStringBuilder
                {
                    DataSource = databasePath,
                    Mode = SqliteOpenMode.ReadOnly,
                    Pooling = false,
                }.ToString()
            );
            db.Open();
            return Query(db, q);
        }
        catch (SqliteException e)
        {
            throw new StorageReadException(e.Message, e);
        }
    }

    private static TrendPage Query(SqliteConnection db, TrendQuery q)
    {
        var n = q.Points;
        var t = new long[n];
        for (var i = 0; i < n; i++)
            t[i] = q.FromS + (long)i * q.StepS;
        var names = new Dictionary<long, (string Name, string Kind)>();
        using (var cmd = db.CreateCommand())
        {
            cmd.CommandText = "SELECT id, name, kind FROM sensor_names ORDER BY id;";
            using var r = cmd.ExecuteReader();
            while (r.Read())
                names[r.GetInt64(0)] = (r.GetString(1), r.GetString(2));
        }

        var visibility = new double?[n];
        var range = new double?[n];
        var ttc = new double?[n];
        var coverage = new double?[n];
        var sensors = new SortedDictionary<long, TrendSensor>();
        var (lo, hi) = RowRange(db, q.FromS, q.ToS);
        if (lo <= hi)
        {
            using var cmd = db.CreateCommand();
            // Values only from live rows (state 1): a stale or frozen sensor's numbers are not evidence. ttc: radar range over
            // closing speed where it closes (speed > 0); range: lidar's nearest return, radar's nearest target.
            cmd.CommandText = """
                SELECT (ts_s - $from) / $step AS b, sensor, COUNT(*), SUM(frames),
                       AVG(CASE WHEN state = 1 THEN no_return_pm END),
                       MIN(CASE WHEN state = 1 THEN COALESCE(min_cm, median_cm) END),
                       AVG(CASE WHEN state = 1 THEN strength END),
                       AVG(CASE WHEN state = 1 THEN snr_cdb END),
                       MIN(CASE WHEN state = 1 THEN visibility_m END),
                       MIN(CASE WHEN state = 1 AND speed_cmps > 0 THEN median_cm * 1.0 / speed_cmps END)
                FROM summaries
                WHERE id BETWEEN $lo AND $hi AND ts_s >= $from AND ts_s < $to
                GROUP BY b, sensor;
                """;
            cmd.Parameters.AddWithValue("$from", q.FromS);
            cmd.Parameters.AddWithValue("$to", q.ToS);
            cmd.Parameters.AddWithValue("$step", q.StepS);
            cmd.Parameters.AddWithValue("$lo", lo);
            cmd.Parameters.AddWithValue("$hi", hi);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var b = r.GetInt64(0);
                if (b < 0 || b >= n)
                    continue;
                var id = r.GetInt64(1);
                var (name, kind) = names.TryGetValue(id, out var nk)
                    ? nk
                    : ("sensor " + id.ToString(CultureInfo.InvariantCulture), "unknown");
                if (!sensors.TryGetValue(id, out var s))
                    sensors[id] = s = new TrendSensor(name, kind, NewSeries(kind, n));
                var rows = r.GetInt64(2);
                var series = (Dictionary<string, double?[]>)s.Series;
                series["frameRateHz"][b] = Math.Round(r.GetInt64(3) / (double)rows, 2);
                // the share of the bucket's seconds with a row (the best-covered sensor; a duplicated second does not push it past 1)
                coverage[b] = Math.Max(coverage[b] ?? 0, Math.Min(1, Math.Round(rows / (double)Math.Min(q.StepS, q.ToS - t[b]), 3)));
                var noReturn = Dbl(r, 4, 0.001, 3);
                var nearest = Dbl(r, 5, 0.01, 2);
                switch (kind)
                {
                    case "lidar":
                        series["noReturn"][b] = noReturn;
                        series["rangeM"][b] = nearest;
                        series["strength"][b] = Dbl(r, 6, 1, 0);
                        range[b] = Min(range[b], nearest);
                        break;
                    case "radar":
                        series["noReturn"][b] = noReturn;
                        series["rangeM"][b] = nearest;
                        series["snrDb"][b] = Dbl(r, 7, 0.01, 1);
                        var ttcS = Dbl(r, 9, 1, 1);
                        series["ttcS"][b] = ttcS;
                        range[b] = Min(range[b], nearest);
                        ttc[b] = Min(ttc[b], ttcS);
                        break;
                    case "camera":
                        var v = Dbl(r, 8, 1, 0);
                        series["visibilityM"][b] = v;
                        visibility[b] = Min(visibility[b], v);
                        break;
                }
            }
        }
        var levels = Levels(db, q);
        return new TrendPage(
            q.FromS,
            q.ToS,
            q.StepS,
            t,
            new Dictionary<string, double?[]>
            {
                ["visibilityM"] = visibility,
                ["rangeM"] = range,
                ["ttcS"] = ttc,
                ["coverage"] = coverage,
            },
            WorstPerBucket(levels, t, q, coverage),
            levels,
            [.. sensors.Values]
        );
    }

    private static Dictionary<string, double?[]> NewSeries(string kind, int n)
    {
        string[] keys = kind switch
        {
            "lidar" => ["frameRateHz", "noReturn", "rangeM", "strength"],
            "radar" => ["frameRateHz", "noReturn", "rangeM", "snrDb", "ttcS"],
            "camera" => ["frameRateHz", "visibilityM"],
            _ => ["frameRateHz"],
        };
        return keys.ToDictionary(k => k, _ => new double?[n], StringComparer.Ordinal);
    }

    /// <summary>The rowids holding ts_s in [from, to): the first row at or after <paramref name="fromS"/> and the last before
    /// <paramref name="toS"/>, by binary search over the rowid (rows are appended in time order). lo &gt; hi: none.</summary>
    private static (long Lo, long Hi) RowRange(SqliteConnection db, long fromS, long toS)
    {
        // two queries: SQLite answers a lone MIN or MAX of the rowid from the b-tree's edge, but MIN(id), MAX(id) together scan
        long? Edge(string order)
        {
            using var c = db.CreateCommand();
            c.CommandText = $"SELECT id FROM summaries ORDER BY id {order} LIMIT 1;";
            return c.ExecuteScalar() is long v ? v : null;
        }
        if (Edge("ASC") is not { } minId || Edge("DESC") is not { } maxId)
            return (1, 0);
        using var at = db.CreateCommand();
        at.CommandText = "SELECT id, ts_s FROM summaries WHERE id >= $id ORDER BY id LIMIT 1;";
        var p = at.Parameters.Add("$id", SqliteType.Integer);
        at.Prepare();

        // the first row whose ts_s ≥ target (maxId + 1 when none)
        long First(long target)
        {
            long a = minId,
                b = maxId + 1;
            while (a < b)
            {
                var mid = a + (b - a) / 2;
                p.Value = mid;
                using var r = at.ExecuteReader();
                if (!r.Read())
                {
                    b = mid;
                    continue;
                }
                var (id, ts) = (r.GetInt64(0), r.GetInt64(1));
                if (ts >= target)
                    b = mid;
                else
                    a = id + 1;
            }
            return a;
        }
        return (First(fromS), First(toS) - 1);
    }

    /// <summary>The level at <c>from</c> (the last change before it) and every change up to <c>to</c>, as intervals.</summary>
    private static List<TrendLevel> Levels(SqliteConnection db, TrendQuery q)
    {
        var fromIso = Iso(q.FromS);
        var changes = new List<(double At, string Level)>();
        using (var cmd = db.CreateCommand())
        {
            cmd.CommandText = """
                SELECT ts_utc, level FROM (SELECT ts_utc, level, id FROM events WHERE ts_utc < $from ORDER BY ts_utc DESC, id DESC LIMIT 1)
                UNION ALL
                SELECT ts_utc, level FROM (SELECT ts_utc, level, id FROM events WHERE ts_utc >= $from AND ts_utc < $to ORDER BY ts_utc, id);
                """;
            cmd.Parameters.AddWithValue("$from", fromIso);
            cmd.Parameters.AddWithValue("$to", Iso(q.ToS));
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var at = DateTimeOffset.Parse(r.GetString(0), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                changes.Add((Math.Max(q.FromS, at.ToUnixTimeMilliseconds() / 1000.0), r.GetString(1)));
            }
        }
        var list = new List<TrendLevel>(changes.Count);
        for (var i = 0; i < changes.Count; i++)
        {
            var end = i + 1 < changes.Count ? changes[i + 1].At : q.ToS;
            if (end > changes[i].At)
                list.Add(new TrendLevel(changes[i].At, end, changes[i].Level));
        }
        return list;
    }

    private static string?[] WorstPerBucket(List<TrendLevel> levels, long[] t, TrendQuery q, double?[] coverage)
    {
        var worst = new string?[t.Length];
        var i = 0;
        for (var b = 0; b < t.Length; b++)
        {
            if (coverage[b] is null)
                continue; // no summary in this bucket: the daemon was not running, claim no level
            double start = t[b],
                end = Math.Min(t[b] + q.StepS, q.ToS);
            while (i < levels.Count && levels[i].To <= start)
                i++;
            for (var j = i; j < levels.Count && levels[j].From < end; j++)
                if (worst[b] is null || Array.IndexOf(Order, levels[j].Level) > Array.IndexOf(Order, worst[b]))
                    worst[b] = levels[j].Level;
        }
        return worst;
    }

    private static string Iso(long unixS) =>
        DateTimeOffset.FromUnixTimeSeconds(unixS).UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static double? Min(double? a, double? b) =>
        a is null ? b
        : b is null ? a
        : Math.Min(a.Value, b.Value);

    private static double? Dbl(SqliteDataReader r, int i, double scale, int digits) =>
        r.IsDBNull(i) ? null : Math.Round(r.GetDouble(i) * scale, digits);
}
