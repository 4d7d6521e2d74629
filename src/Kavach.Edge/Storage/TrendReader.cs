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
/// Downsamples the stored summaries in SQL (GROUP BY bucket, sensor) through a read-only connection opened per query, and turns
/// the <c>events</c> table's level changes into intervals. For a step of whole minutes (60 s, 120 s, … : what the page asks for 1 h,
/// 24 h and 7 days) the minutes already rolled up are read from <c>summaries_minute</c> (<see cref="MinuteRollup"/>: 1/60 of the
/// rows) and only the rest (the minute or two since the last rollup) from the per-second <c>summaries</c>; any other step reads
/// <c>summaries</c> alone. Both give sums and counts per bucket and sensor, merged here, so both paths give the same values.
/// <c>summaries</c> ranges are found by the rowid (<see cref="SummaryIndex"/>).
/// </summary>
/// <param name="minuteRollup">False: always the per-second rows (tests compare the two paths).</param>
public sealed class TrendReader(string databasePath, bool minuteRollup = true) : ITrendReader
{
    private static readonly string[] Order = ["LOW", "MEDIUM", "HIGH", "FAULT"];

    // The minutes are added up here rather than by GROUP BY: read in key order they need no sort (a day of three sensors:
    // 4 320 rows, ~1 ms in SQLite; grouping them in a temporary b-tree took 4-9 ms).
    private const string FromMinutes = """
        SELECT (ts_s - $origin) / $step, sensor, seconds, frames, nr_sum, nr_n, nearest_cm, str_sum, str_n, snr_sum, snr_n,
               visibility_m, ttc_s
        FROM summaries_minute
        WHERE ts_s >= $from AND ts_s < $to;
        """;

    private const string FromSeconds = $"""
        SELECT (ts_s - $origin) / $step AS b, sensor, {MinuteRollup.Aggregates}
        FROM summaries
        WHERE id BETWEEN $lo AND $hi AND ts_s >= $from AND ts_s < $to
        GROUP BY b, sensor;
        """;

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

    /// <summary>One bucket's aggregates of one sensor, summed over the minutes and seconds read.</summary>
    private struct Acc
    {
        public long Seconds,
            Frames,
            NrSum,
            NrN,
            StrSum,
            StrN,
            SnrSum,
            SnrN;
        public double? Nearest,
            Visibility,
            Ttc;
    }

    private TrendPage Query(SqliteConnection db, TrendQuery q)
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

        var acc = new SortedDictionary<long, Acc[]>();
        // Whole minutes up to the rollup's watermark (the watermark is read first: a rollup committed meanwhile only adds minutes
        // past it, and the seconds there are still stored), the rest from the seconds.
        var secondsFrom = q.FromS;
        if (
            minuteRollup
            && q.StepS % 60 == 0
            && q.FromS % 60 == 0
            && MinuteRollup.Watermark(db) is { } mark
            && Math.Min(mark, MinuteRollup.Minute(q.ToS)) is var minutesTo
            && minutesTo > q.FromS
        )
        {
            Aggregate(db, FromMinutes, q, q.FromS, minutesTo, 1, 0, acc, n);
            secondsFrom = minutesTo;
        }
        if (secondsFrom < q.ToS)
        {
            using var index = SummaryIndex.Open(db);
            if (index?.Range(secondsFrom, q.ToS) is var (lo, hi) && lo <= hi)
                Aggregate(db, FromSeconds, q, secondsFrom, q.ToS, lo, hi, acc, n);
        }

        var visibility = new double?[n];
        var range = new double?[n];
        var ttc = new double?[n];
        var coverage = new double?[n];
        var sensors = new List<TrendSensor>(acc.Count);
        foreach (var (id, buckets) in acc)
        {
            var (name, kind) = names.TryGetValue(id, out var nk) ? nk : ("sensor " + id.ToString(CultureInfo.InvariantCulture), "unknown");
            var series = NewSeries(kind, n);
            sensors.Add(new TrendSensor(name, kind, series));
            for (var b = 0; b < n; b++)
            {
                var a = buckets[b];
                if (a.Seconds == 0)
                    continue;
                series["frameRateHz"][b] = Math.Round(a.Frames / (double)a.Seconds, 2);
                // the share of the bucket's seconds with a row (the best-covered sensor; a duplicated second does not push it past 1)
                coverage[b] = Math.Max(coverage[b] ?? 0, Math.Min(1, Math.Round(a.Seconds / (double)Math.Min(q.StepS, q.ToS - t[b]), 3)));
                var noReturn = Mean(a.NrSum, a.NrN, 0.001, 3);
                var nearest = Round(a.Nearest, 0.01, 2);
                switch (kind)
                {
                    case "lidar":
                        series["noReturn"][b] = noReturn;
                        series["rangeM"][b] = nearest;
                        series["strength"][b] = Mean(a.StrSum, a.StrN, 1, 0);
                        range[b] = Min(range[b], nearest);
                        break;
                    case "radar":
                        series["noReturn"][b] = noReturn;
                        series["rangeM"][b] = nearest;
                        series["snrDb"][b] = Mean(a.SnrSum, a.SnrN, 0.01, 1);
                        var ttcS = Round(a.Ttc, 1, 1);
                        series["ttcS"][b] = ttcS;
                        range[b] = Min(range[b], nearest);
                        ttc[b] = Min(ttc[b], ttcS);
                        break;
                    case "camera":
                        var v = Round(a.Visibility, 1, 0);
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
            sensors
        );
    }

    // Runs one of the two aggregate queries over [fromS, toS) (summaries: rowids lo..hi; the minutes: lo > hi) and adds its rows
    // into the buckets.
    private static void Aggregate(
        SqliteConnection db,
        string sql,
        TrendQuery q,
        long fromS,
        long toS,
        long lo,
        long hi,
        SortedDictionary<long, Acc[]> acc,
        int n
    )
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.Parameters.AddWithValue("$origin", q.FromS); // buckets count from the query's start
        cmd.Parameters.AddWithValue("$step", q.StepS);
        cmd.Parameters.AddWithValue("$from", fromS);
        cmd.Parameters.AddWithValue("$to", toS);
        if (lo <= hi)
        {
            cmd.Parameters.AddWithValue("$lo", lo);
            cmd.Parameters.AddWithValue("$hi", hi);
        }
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var b = r.GetInt64(0);
            if (b < 0 || b >= n)
                continue;
            var id = r.GetInt64(1);
            if (!acc.TryGetValue(id, out var buckets))
                acc[id] = buckets = new Acc[n];
            ref var a = ref buckets[b];
            // sums and counts are never NULL; asking only the three that can be saves a third of the calls into SQLite
            a.Seconds += r.GetInt64(2);
            a.Frames += r.GetInt64(3);
            a.NrSum += r.GetInt64(4);
            a.NrN += r.GetInt64(5);
            a.Nearest = Min(a.Nearest, Real(r, 6));
            a.StrSum += r.GetInt64(7);
            a.StrN += r.GetInt64(8);
            a.SnrSum += r.GetInt64(9);
            a.SnrN += r.GetInt64(10);
            a.Visibility = Min(a.Visibility, Real(r, 11));
            a.Ttc = Min(a.Ttc, Real(r, 12));
        }
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

    private static double? Real(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    // sum / count as SQLite's AVG computes it, then scaled and rounded as the series are
    private static double? Mean(long sum, long count, double scale, int digits) =>
        count == 0 ? null : Math.Round(sum / (double)count * scale, digits);

    private static double? Round(double? v, double scale, int digits) => v is { } d ? Math.Round(d * scale, digits) : null;
}
