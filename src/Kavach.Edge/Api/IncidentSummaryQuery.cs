using Kavach.Edge.Storage;
using Microsoft.Data.Sqlite;

namespace Kavach.Edge.Api;

/// <summary>
/// The incident report's sensor summaries: the per-second rows of a window averaged in SQL over a step chosen so each sensor
/// has at most <see cref="IncidentReportReader.MaxPoints"/> points. Read-only; the caller owns the connection.
/// </summary>
internal static class IncidentSummaryQuery
{
    public static IncidentSummaries Read(SqliteConnection db, DateTimeOffset from, DateTimeOffset to)
    {
        var (fromS, toS) = (from.ToUnixTimeSeconds(), to.ToUnixTimeSeconds() + 1);
        var step = (int)Math.Max(1, (toS - fromS + IncidentReportReader.MaxPoints - 1) / IncidentReportReader.MaxPoints);
        // summaries has no time index (appends touch one page): its rowid is in time order, so the window's ids are found by
        // binary search and the query reads only them.
        var (lo, hi) = (SummaryIdAtOrAfter(db, fromS), SummaryIdAtOrAfter(db, toS));
        using var cmd = IncidentReportReader.Cmd(
            db,
            """
            SELECT n.name, n.kind, ($from + ((s.ts_s - $from) / $step) * $step) AS t, sum(s.frames), max(s.state), avg(s.no_return_pm),
                   min(s.min_cm), avg(s.median_cm), avg(s.strength), avg(s.snr_cdb), avg(s.speed_cmps), avg(s.visibility_m)
            FROM summaries s JOIN sensor_names n ON n.id = s.sensor
            WHERE s.id >= $lo AND s.id < $hi AND s.ts_s >= $from AND s.ts_s < $to
            GROUP BY s.sensor, t ORDER BY n.name, t;
            """
        );
        var p = cmd.Parameters;
        p.AddWithValue("$from", fromS);
        p.AddWithValue("$to", toS);
        p.AddWithValue("$step", step);
        p.AddWithValue("$lo", lo);
        p.AddWithValue("$hi", hi);
        using var r = cmd.ExecuteReader();
        var series = new List<IncidentSensorSeries>();
        List<IncidentPoint>? points = null;
        while (r.Read())
        {
            var name = r.GetString(0);
            if (series.Count == 0 || series[^1].Name != name)
                series.Add(new IncidentSensorSeries(name, r.GetString(1), points = []));
            points!.Add(
                new IncidentPoint(
                    r.GetInt64(2),
                    r.GetInt64(3),
                    r.GetInt32(4),
                    Scaled(r, 5, 1000, 3),
                    Scaled(r, 6, 100, 2),
                    Scaled(r, 7, 100, 2),
                    Scaled(r, 8, 1, 0),
                    Scaled(r, 9, 100, 2),
                    Scaled(r, 10, 100, 2),
                    Scaled(r, 11, 1, 0)
                )
            );
        }
        return new IncidentSummaries(step, series);
    }

    // The smallest id whose row and every later one is at or after unixS (rowids grow with time); max id + 1 when none.
    private static long SummaryIdAtOrAfter(SqliteConnection db, long unixS)
    {
        var lo = Sql.Long(db, "SELECT coalesce(min(id), 0) FROM summaries;");
        var hi = Sql.Long(db, "SELECT coalesce(max(id), -1) FROM summaries;") + 1;
        using var cmd = IncidentReportReader.Cmd(db, "SELECT id, ts_s FROM summaries WHERE id >= $mid ORDER BY id LIMIT 1;");
        var mid = cmd.Parameters.Add("$mid", SqliteType.Integer);
        while (lo < hi)
        {
            var m = lo + (hi - lo) / 2;
            mid.Value = m;
            using var r = cmd.ExecuteReader();
            r.Read(); // a row exists: max id ≥ m
            if (r.GetInt64(1) < unixS)
                lo = r.GetInt64(0) + 1;
            else
                hi = m;
        }
        return lo;
    }

    private static double? Scaled(SqliteDataReader r, int i, double scale, int digits) =>
        r.IsDBNull(i) ? null : Math.Round(r.GetDouble(i) / scale, digits);
}
