using System.Globalization;
using Kavach.Edge.Alarm;
using Kavach.Edge.Configuration;
using Kavach.Edge.Storage;
using Microsoft.Data.Sqlite;

namespace Kavach.Edge.Api;

/// <summary>
/// Builds an <see cref="IncidentReport"/> from the database through a read-only SQLite connection opened per request
/// (WAL: it never takes the writer's lock). The incident is the stretch of one run above LOW that holds the named change;
/// its rows come from <c>events</c> (with the alert payload's floor and model views), <c>health</c>, <c>operator_events</c>
/// and <c>summaries</c> (downsampled in SQL), 10 minutes either side. Thread-safe (no state); throws
/// <see cref="StorageReadException"/> when the database cannot be read.
/// </summary>
public sealed class IncidentReportReader(KavachOptions options, TimeProvider time)
{
    /// <summary>The time shown before the incident's start and after its end.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromMinutes(10);

    /// <summary>Summary points per sensor at most: the step grows with the window.</summary>
    public const int MaxPoints = 150;

    /// <summary>Rows per list at most (a FAULT flapping for days); <see cref="IncidentReport.Truncated"/> says so.</summary>
    public const int MaxRows = 1000;

    private sealed record RunRow(long Id, string Utc, string Level, long Change, string? Uuid, long? Seq);

    /// <summary>The report, or null with <paramref name="missing"/> saying what was not found.</summary>
    public IncidentReport? Read(IncidentId id, out string? missing)
    {
        try
        {
            using var db = new SqliteConnection(
                new SqliteConnectionStringBuilder
                {
                    DataSource = options.Storage.Path,
                    Mode = SqliteOpenMode.ReadOnly,
                    Pooling = false,
                }.ToString()
            );
            db.Open();
            return Build(db, id, out missing);
        }
        catch (SqliteException e)
        {
            throw new StorageReadException(e.Message, e);
        }
    }

    private IncidentReport? Build(SqliteConnection db, IncidentId id, out string? missing)
    {
        var (run, change) = (id.Run, id.Change);
        if (id.Alert is { } alert)
        {
            using var find = Cmd(db, "SELECT run, change FROM events WHERE uuid = $u AND run IS NOT NULL LIMIT 1;");
            find.Parameters.AddWithValue("$u", alert.ToString());
            using var r = find.ExecuteReader();
            if (!r.Read())
            {
                missing = $"no stored alert {alert}";
                return null;
            }
            (run, change) = (r.GetInt64(0), r.GetInt64(1));
        }
        var rows = RunRows(db, run);
        var i = rows.FindIndex(x => x.Change == change);
        if (i < 0)
        {
            missing = $"no stored level change {change} in run {run}";
            return null;
        }
        if (rows[i].Level == "LOW")
        {
            missing = $"change {change} of run {run} is LOW: it belongs to no alarm incident";
            return null;
        }
        missing = null;
        var s = i;
        while (s > 0 && rows[s - 1].Level != "LOW")
            s--;
        var e = i;
        while (e < rows.Count && rows[e].Level != "LOW")
            e++;
        var first = rows[s];
        var start = new IncidentBound("start", first.Utc, run, first.Change, first.Level, first.Uuid, first.Seq);
        var end = End(db, run, rows, e);
        var startUtc = Parse(first.Utc);
        var now = time.GetUtcNow();
        var endUtc = end.Utc is null ? now : Parse(end.Utc);
        var from = AlertJson.Iso(startUtc - Margin);
        var to = AlertJson.Iso(end.Utc is null ? now : endUtc + Margin);
        var lastId = e < rows.Count ? rows[e].Id : rows[^1].Id;
        var endChange = e < rows.Count ? rows[e].Change : (long?)null;

        var truncated = false;
        var levels = Levels(db, from, to, first.Id, lastId, ref truncated);
        var health = Health(db, from, to, ref truncated);
        var ops = Operators(db, from, to, run, first.Change, endChange, ref truncated);
        var summaries = IncidentSummaryQuery.Read(db, startUtc - Margin, end.Utc is null ? now : endUtc + Margin);

        var (software, configHash, commissioning) = BuildOf(db, first.Id);
        var builds = new List<IncidentBuild>();
        foreach (var b in levels.Builds.Concat(health.Builds).Concat(ops.Builds).OrderBy(b => b.FirstUtc, StringComparer.Ordinal))
            if (
                (b.Software, b.ConfigHash, b.Commissioning) != (software, configHash, commissioning)
                && !builds.Exists(x => (x.Software, x.ConfigHash, x.Commissioning) == (b.Software, b.ConfigHash, b.Commissioning))
            )
                builds.Add(b);
        var peak = rows.Skip(s).Take(e - s).MaxBy(x => Severity(x.Level))!.Level;
        return new IncidentReport(
            IncidentId.Format(run, first.Change),
            options.Device.Id,
            now,
            run,
            start,
            end,
            peak,
            from,
            to,
            software,
            configHash,
            commissioning,
            builds,
            levels.Rows.All(l => l.ClockSynced != false),
            "not recorded: the lamps and buzzer of each level are derived from the level, maintenance and the Alarm patterns configured now (without the start-up lamp test and the Alarm.MinOnMs hold); an acknowledgement silences the buzzer for Alarm.SilenceMs",
            levels.Rows,
            health.Rows,
            ops.Rows,
            summaries,
            truncated
        );
    }

    private static List<RunRow> RunRows(SqliteConnection db, long run)
    {
        using var cmd = Cmd(db, "SELECT id, ts_utc, level, change, uuid, seq FROM events WHERE run = $run ORDER BY id;");
        cmd.Parameters.AddWithValue("$run", run);
        using var r = cmd.ExecuteReader();
        var rows = new List<RunRow>();
        while (r.Read())
            rows.Add(new RunRow(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt64(3), Str(r, 4), Long(r, 5)));
        return rows;
    }

    // The incident ends at the run's next LOW; a run that stopped above LOW ends at the next run's first change (the restart).
    private static IncidentBound End(SqliteConnection db, long run, List<RunRow> rows, int e)
    {
        if (e < rows.Count)
        {
            var low = rows[e];
            return new IncidentBound("low", low.Utc, run, low.Change, low.Level, low.Uuid, low.Seq);
        }
        if (Sql.Long(db, "SELECT coalesce((SELECT value FROM meta WHERE key = 'runs'), 0);") == run)
            return new IncidentBound("ongoing", null, null, null, null, null, null);
        using var cmd = Cmd(db, "SELECT ts_utc, run, change, level, uuid, seq FROM events WHERE run > $run ORDER BY id LIMIT 1;");
        cmd.Parameters.AddWithValue("$run", run);
        using var r = cmd.ExecuteReader();
        if (r.Read())
            return new IncidentBound("restart", r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetString(3), Str(r, 4), Long(r, 5));
        var last = rows[^1];
        return new IncidentBound("run-ended", last.Utc, run, last.Change, last.Level, last.Uuid, last.Seq);
    }

    private static (string Software, string ConfigHash, string? Commissioning) BuildOf(SqliteConnection db, long eventId)
    {
        using var cmd = Cmd(db, "SELECT software, config_hash, commissioning FROM events WHERE id = $id;");
        cmd.Parameters.AddWithValue("$id", eventId);
        using var r = cmd.ExecuteReader();
        r.Read();
        return (r.GetString(0), r.GetString(1), Str(r, 2));
    }

    private sealed record Listed<T>(List<T> Rows, List<IncidentBuild> Builds);

    private Listed<IncidentLevel> Levels(SqliteConnection db, string from, string to, long firstId, long lastId, ref bool truncated)
    {
        // The incident's own rows by id as well as the window by time: a clock stepped by NTP must not hide them.
        using var cmd = Cmd(
            db,
            """
            SELECT id, ts_utc, run, change, level, previous, reasons, faults, raised_by, maintenance, clock_synced, visibility_m,
                   visibility_bound, fog_class, obstacle_range_m, closing_speed_mps, ttc_s, obstacle_source, payload, uuid, seq,
                   software, config_hash, commissioning
            FROM events WHERE (ts_utc >= $from AND ts_utc <= $to) OR id BETWEEN $first AND $last
            ORDER BY id LIMIT $limit;
            """
        );
        Window(cmd, from, to);
        cmd.Parameters.AddWithValue("$first", firstId);
        cmd.Parameters.AddWithValue("$last", lastId);
        using var r = cmd.ExecuteReader();
        var rows = new List<IncidentLevel>();
        var builds = new List<IncidentBuild>();
        while (r.Read())
        {
            if (rows.Count == MaxRows)
            {
                truncated = true;
                break;
            }
            var (eventId, utc, run, change, level, previous) = (
                r.GetInt64(0),
                r.GetString(1),
                Long(r, 2),
                Long(r, 3),
                r.GetString(4),
                Str(r, 5)
            );
            // AlarmControl's episodes: a rise in severity (previous is the level stored before, the same run's but at its first
            // change, which always opens one)
            var opens = level != "LOW" && (change == 1 || previous is null || Severity(level) > Severity(previous));
            var maintenance = r.GetInt64(9) != 0;
            var payload = IncidentPayload.Parse(Str(r, 18));
            rows.Add(
                new IncidentLevel(
                    utc,
                    run,
                    change,
                    level,
                    previous,
                    eventId >= firstId && eventId <= lastId,
                    opens,
                    JsonText.ParseArray(r.GetString(6)),
                    JsonText.ParseArray(r.GetString(7)),
                    r.GetString(8),
                    maintenance,
                    r.IsDBNull(10) ? null : r.GetInt64(10) != 0,
                    Dbl(r, 11),
                    r.GetInt64(12) != 0,
                    Str(r, 13),
                    r.IsDBNull(17) ? null : new Obstacle(true, Dbl(r, 14), Dbl(r, 15), Dbl(r, 16), r.GetString(17)),
                    payload.Floor,
                    payload.Model,
                    payload.Sensors,
                    Outputs(level, maintenance),
                    Str(r, 19),
                    Long(r, 20)
                )
            );
            AddBuild(builds, r, 21, utc);
        }
        return new(rows, builds);
    }

    private static Listed<IncidentHealth> Health(SqliteConnection db, string from, string to, ref bool truncated)
    {
        using var cmd = Cmd(
            db,
            """
            SELECT ts_utc, sensor, state, previous, age_s, software, config_hash, commissioning
            FROM health WHERE ts_utc >= $from AND ts_utc <= $to ORDER BY id LIMIT $limit;
            """
        );
        Window(cmd, from, to);
        using var r = cmd.ExecuteReader();
        var rows = new List<IncidentHealth>();
        var builds = new List<IncidentBuild>();
        while (r.Read())
        {
            if (rows.Count == MaxRows)
            {
                truncated = true;
                break;
            }
            rows.Add(new IncidentHealth(r.GetString(0), r.GetString(1), r.GetString(2), Str(r, 3), Dbl(r, 4)));
            AddBuild(builds, r, 5, r.GetString(0));
        }
        return new(rows, builds);
    }

    private static Listed<IncidentOperator> Operators(
        SqliteConnection db,
        string from,
        string to,
        long run,
        long firstChange,
        long? endChange,
        ref bool truncated
    )
    {
        using var cmd = Cmd(
            db,
            """
            SELECT ts_utc, kind, by, source, run, episode, detail, software, config_hash, commissioning
            FROM operator_events
            WHERE (ts_utc >= $from AND ts_utc <= $to) OR (run = $run AND episode >= $first AND episode < $end)
            ORDER BY id LIMIT $limit;
            """
        );
        Window(cmd, from, to);
        cmd.Parameters.AddWithValue("$run", run);
        cmd.Parameters.AddWithValue("$first", firstChange);
        cmd.Parameters.AddWithValue("$end", endChange ?? long.MaxValue);
        using var r = cmd.ExecuteReader();
        var rows = new List<IncidentOperator>();
        var builds = new List<IncidentBuild>();
        while (r.Read())
        {
            if (rows.Count == MaxRows)
            {
                truncated = true;
                break;
            }
            var (opRun, episode) = (r.GetInt64(4), r.GetInt64(5));
            rows.Add(
                new IncidentOperator(
                    r.GetString(0),
                    r.GetString(1),
                    r.GetString(2),
                    r.GetString(3),
                    opRun,
                    episode,
                    r.GetString(6),
                    opRun == run && episode >= firstChange && episode < (endChange ?? long.MaxValue)
                )
            );
            AddBuild(builds, r, 7, r.GetString(0));
        }
        return new(rows, builds);
    }

    private IncidentOutputs Outputs(string level, bool maintenance)
    {
        var kind = level switch
        {
            "LOW" => PatternKind.Low,
            "MEDIUM" => PatternKind.Medium,
            "HIGH" => PatternKind.High,
            _ => PatternKind.Fault,
        };
        if (maintenance && kind != PatternKind.High) // maintenance never covers HIGH (AlarmEngine)
            kind = PatternKind.Maintenance;
        var p = options.Alarm.Patterns.TryGetValue(kind, out var configured)
            ? configured
            : AlarmPatterns.Default(kind, options.Alarm.LowLamp);
        return new IncidentOutputs(
            p.Name,
            p[AlarmLine.Green].ToString(),
            p[AlarmLine.Amber].ToString(),
            p[AlarmLine.Red].ToString(),
            p[AlarmLine.Buzzer].ToString()
        );
    }

    /// <summary>Severity order as the alarm ranks it: LOW, MEDIUM, FAULT, HIGH.</summary>
    internal static int Severity(string level) =>
        level switch
        {
            "LOW" => 0,
            "MEDIUM" => 1,
            "FAULT" => 2,
            "HIGH" => 3,
            _ => 2,
        };

    private static void AddBuild(List<IncidentBuild> builds, SqliteDataReader r, int i, string utc)
    {
        var (sw, hash, comm) = (r.GetString(i), r.GetString(i + 1), Str(r, i + 2));
        if (!builds.Exists(b => (b.Software, b.ConfigHash, b.Commissioning) == (sw, hash, comm)))
            builds.Add(new IncidentBuild(sw, hash, comm, utc));
    }

    internal static SqliteCommand Cmd(SqliteConnection db, string sql)
    {
        var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        return cmd;
    }

    private static void Window(SqliteCommand cmd, string from, string to)
    {
        cmd.Parameters.AddWithValue("$from", from);
        cmd.Parameters.AddWithValue("$to", to);
        cmd.Parameters.AddWithValue("$limit", MaxRows + 1);
    }

    private static DateTimeOffset Parse(string utc) =>
        DateTimeOffset.Parse(utc, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static string? Str(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static long? Long(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    private static double? Dbl(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : Math.Round(r.GetDouble(i), 2);
}
