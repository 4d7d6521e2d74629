using System.Globalization;
using Kavach.Edge.Alarm;
using Kavach.Edge.Assessment;
using Kavach.Edge.Risk;
using Microsoft.Data.Sqlite;

namespace Kavach.Edge.Storage;

/// <summary>An alert as committed: event row, seq, and the payload queued in the outbox.</summary>
public sealed record CommittedAlert(long EventId, long Seq, Guid Id, string Payload, long Shed);

/// <summary>
/// The local SQLite database (schema: <see cref="Schema"/>). WAL with <c>synchronous=FULL</c>: every commit
/// fsyncs the WAL, so a committed alert survives a power cut (with NORMAL, WAL commits are only synced at
/// checkpoints and the last ones can vanish on power loss; alerts are rare and the readings are batched
/// every few seconds, so the extra fsyncs cost little). Alerts commit at once, with their outbox row in the
/// same transaction; summaries and health changes come in batches. Not thread-safe: one writer (the
/// storage service) owns it; the uplink reads and trims the outbox on its own connection (<see cref="Outbox"/>).
/// </summary>
public sealed class EventStore : IDisposable
{
    /// <summary>The schema version this build writes.</summary>
    public const int SchemaVersion = Schema.Version;

    private readonly SqliteConnection _db;
    private readonly Dictionary<string, long> _sensorIds = new(StringComparer.Ordinal);
    private long _nextSeq;
    private string? _lastLevel;
    private SqliteTransaction? _batch;

    private EventStore(SqliteConnection db, string path, string? movedAside, int recovered)
    {
        _db = db;
        Path = path;
        MovedAside = movedAside;
        Recovered = recovered;
        Epoch = MetaText("epoch") ?? throw new InvalidOperationException("the database has no epoch after migration");
        _nextSeq = Meta("next_seq") ?? 1;
        _lastLevel = MetaText("last_level");
        ShedTotal = Meta("shed_total") ?? 0;
        // A new run per open: RiskState.Change restarts at 1 with every daemon start.
        Run = (Meta("runs") ?? 0) + 1;
        SetMeta("runs", Run, null);
    }

    public string Path { get; }

    /// <summary>Where a corrupt database found at start was moved (null when none was).</summary>
    public string? MovedAside { get; }

    /// <summary>Outbox rows recovered from the moved-aside file and queued again (0 when none).</summary>
    public int Recovered { get; }

    /// <summary>
    /// The alert stream id, created with the database (Schema v4): seq counts within it. A new database (a corrupt
    /// one moved aside) starts a new epoch at seq 1; receivers de-duplicate by (deviceId, epoch, seq).
    /// </summary>
    public string Epoch { get; }

    /// <summary>This daemon run's number (how many times the database has been opened).</summary>
    public long Run { get; }

    /// <summary>The seq the next alert will get.</summary>
    public long NextSeq => _nextSeq;

    /// <summary>Alerts dropped from a full outbox, ever.</summary>
    public long ShedTotal { get; private set; }

    /// <summary>
    /// Opens (creating folder and file as needed) and migrates. A file SQLite reports corrupt (or not a
    /// database) is moved aside, never overwritten, and a fresh one created with a new epoch; its unsent outbox
    /// rows are queued again when they can be read. Any other failure (busy, locked, I/O, read-only, cannot
    /// open) throws and leaves the file alone: seq must never restart because the disk was briefly unwell.
    /// </summary>
    public static EventStore Open(string path, TimeProvider time)
    {
        var full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        string? movedAside = null;
        List<OutboxItem> recovered = [];
        bool corrupt;
        using (StartTimeoutExtension.Begin())
            corrupt = File.Exists(full) && DatabaseCheck.IsCorrupt(full);
        if (corrupt)
        {
            movedAside = $"{full}.corrupt-{time.GetUtcNow():yyyyMMddTHHmmssZ}";
            File.Move(full, movedAside);
            foreach (var side in new[] { "-wal", "-shm" })
                if (File.Exists(full + side))
                    File.Move(full + side, movedAside + side);
            recovered = DatabaseCheck.ReadOutbox(movedAside);
        }
        var db = Connect(full, synchronousFull: true);
        try
        {
            Schema.Migrate(db);
            DatabaseCheck.Requeue(db, recovered);
            return new EventStore(db, full, movedAside, recovered.Count);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>A connection with the pragmas every connection uses.</summary>
    internal static SqliteConnection Connect(string path, bool synchronousFull)
    {
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            db.Open();
            Sql.Exec(db, "PRAGMA busy_timeout=5000;");
            Sql.Exec(db, "PRAGMA journal_mode=WAL;");
            Sql.Exec(db, synchronousFull ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;");
            // Truncate the WAL back to 4 MB after checkpoints, so it never grows without bound.
            Sql.Exec(db, "PRAGMA journal_size_limit=4194304;");
            return db;
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Commits one risk change as an event and queues its alert in the outbox, in ONE transaction, before
    /// anything is sent. When the outbox holds <paramref name="outboxMaxRows"/> alerts the oldest are shed
    /// and a shed record at the head of the outbox names their seq range.
    /// </summary>
    public CommittedAlert AppendAlert(RiskState s, AlertContext context, long monoMs, int outboxMaxRows)
    {
        var seq = _nextSeq;
        var id = Guid.CreateVersion7(s.Utc);
        var level = RiskLevels.Name(s.Level);
        var payload = AlertJson.Alert(s, id, Epoch, seq, _lastLevel, context);
        using var own = _batch is null ? _db.BeginTransaction() : null;
        var tx = _batch ?? own!;
        var eventId = InsertEvent(tx, s, context, monoMs, seq, id, payload);
        var shed = Outbox.MakeRoom(_db, tx, outboxMaxRows - 1, context.DeviceId, Epoch, s.Utc);
        using (var cmd = Command(tx, "INSERT INTO outbox (kind, seq_from, seq_to, payload) VALUES ('alert', $seq, $seq, $payload);"))
        {
            cmd.Parameters.AddWithValue("$seq", seq);
            cmd.Parameters.AddWithValue("$payload", payload);
            cmd.ExecuteNonQuery();
        }
        SetMeta("next_seq", seq + 1, tx);
        SetMeta("last_level", level, tx);
        if (shed > 0)
            SetMeta("shed_total", ShedTotal + shed, tx);
        own?.Commit();
        _nextSeq = seq + 1;
        _lastLevel = level;
        ShedTotal += shed;
        return new CommittedAlert(eventId, seq, id, payload, shed);
    }

    private long InsertEvent(SqliteTransaction tx, RiskState s, AlertContext c, long monoMs, long seq, Guid id, string payload)
    {
        using var cmd = Command(
            tx,
            """
            INSERT INTO events (ts_utc, mono_ms, level, previous, reasons, faults, visibility_m, visibility_bound, fog_class,
                                obstacle_range_m, closing_speed_mps, ttc_s, obstacle_source, raised_by, software, config_hash,
                                seq, uuid, run, change, keep, clock_synced, maintenance, payload, commissioning)
            VALUES ($ts, $mono, $level, $prev, $reasons, $faults, $vis, $bound, $fog, $range, $speed, $ttc, $src, $by, $sw, $hash,
                    $seq, $uuid, $run, $change, $keep, $clock, $maint, $payload, $commissioning);
            SELECT last_insert_rowid();
            """
        );
        var f = s.Floor;
        var p = cmd.Parameters;
        p.AddWithValue("$ts", AlertJson.Iso(s.Utc));
        p.AddWithValue("$mono", monoMs);
        p.AddWithValue("$level", RiskLevels.Name(s.Level));
        p.AddWithValue("$prev", _lastLevel is { } prev ? prev : DBNull.Value);
        p.AddWithValue("$reasons", JsonText.Array(s.Reasons));
        p.AddWithValue("$faults", JsonText.Array(s.Faults));
        p.AddWithValue("$vis", Sql.Db(f?.VisibilityM));
        p.AddWithValue("$bound", f?.VisibilityIsBound == true ? 1 : 0);
        p.AddWithValue("$fog", f is null ? DBNull.Value : FogClasses.Name(f.FogClass));
        p.AddWithValue("$range", Sql.Db(f?.ObstacleRangeM));
        p.AddWithValue("$speed", Sql.Db(f?.ClosingSpeedMps));
        p.AddWithValue("$ttc", Sql.Db(f?.TtcS));
        p.AddWithValue(
            "$src",
            f is null || f.ObstacleSource == ObstacleSource.None ? DBNull.Value : SafetyFloor.SourceName(f.ObstacleSource)
        );
        p.AddWithValue("$by", s.RaisedBy);
        p.AddWithValue("$sw", c.Software);
        p.AddWithValue("$hash", c.ConfigHash);
        p.AddWithValue("$seq", seq);
        p.AddWithValue("$uuid", id.ToString());
        p.AddWithValue("$run", Run);
        p.AddWithValue("$change", s.Change);
        p.AddWithValue("$keep", s.Level is RiskLevel.High or RiskLevel.Fault ? 1 : 0);
        p.AddWithValue("$clock", c.ClockSynced ? 1 : 0);
        p.AddWithValue("$maint", c.Maintenance ? 1 : 0);
        p.AddWithValue("$payload", payload);
        p.AddWithValue("$commissioning", (object?)c.Commissioning ?? DBNull.Value);
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>
    /// Runs <paramref name="write"/> (alerts and operator events) as ONE transaction, one fsync: all of it is
    /// committed or none (seq, last level and shed count are restored when it throws).
    /// </summary>
    public void Batch(Action write)
    {
        if (_batch is not null)
            throw new InvalidOperationException("a batch is already open");
        var (seq, level, shed) = (_nextSeq, _lastLevel, ShedTotal);
        _batch = _db.BeginTransaction();
        try
        {
            write();
            _batch.Commit();
        }
        catch
        {
            (_nextSeq, _lastLevel, ShedTotal) = (seq, level, shed);
            throw;
        }
        finally
        {
            _batch.Dispose(); // rolls back when not committed
            _batch = null;
        }
    }

    /// <summary>Commits one operator event (acknowledgement, maintenance) at once (or inside a <see cref="Batch"/>); always kept.</summary>
    public void AppendOperator(OperatorEvent e, string software, string configHash, string? commissioning = null)
    {
        using var cmd = Command(
            _batch,
            """
            INSERT INTO operator_events (ts_utc, kind, by, source, run, episode, detail, software, config_hash, commissioning)
            VALUES ($ts, $kind, $by, $source, $run, $episode, $detail, $sw, $hash, $commissioning);
            """
        );
        var p = cmd.Parameters;
        p.AddWithValue("$ts", AlertJson.Iso(e.Utc));
        p.AddWithValue("$kind", e.Kind);
        p.AddWithValue("$by", e.By);
        p.AddWithValue("$source", e.Source.ToString().ToLowerInvariant());
        p.AddWithValue("$run", Run);
        p.AddWithValue("$episode", e.Episode);
        p.AddWithValue("$detail", e.Detail);
        p.AddWithValue("$sw", software);
        p.AddWithValue("$hash", configHash);
        p.AddWithValue("$commissioning", (object?)commissioning ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    /// <summary>How far back from the latest summary the minute rollup fills missing minutes (<see cref="MinuteRollup"/>; the
    /// storage service sets Storage.RetentionDays).</summary>
    public int RollupDays { get; set; } = 90;

    /// <summary>
    /// Commits a batch of per-second summaries and health changes in one transaction, with a minute rollup step in it (the
    /// finished minute, when the batch crossed into the next one: one small write a minute). True: older minutes are still
    /// waiting to be rolled (call <see cref="Rollup"/>).
    /// </summary>
    public bool WriteBatch(
        IReadOnlyList<SummaryRow> summaries,
        IReadOnlyList<HealthChange> health,
        string software,
        string configHash,
        string? commissioning = null
    )
    {
        if (summaries.Count == 0 && health.Count == 0)
            return false;
        using var tx = _db.BeginTransaction();
        if (summaries.Count > 0)
        {
            using var cmd = Command(
                tx,
                """
                INSERT INTO summaries (ts_s, sensor, frames, no_return_pm, min_cm, median_cm, strength, snr_cdb, speed_cmps, visibility_m, state)
                VALUES ($ts, $sensor, $frames, $nr, $min, $med, $str, $snr, $speed, $vis, $state);
                """
            );
            var p = cmd.Parameters;
            var ts = p.Add("$ts", SqliteType.Integer);
            var sensor = p.Add("$sensor", SqliteType.Integer);
            var frames = p.Add("$frames", SqliteType.Integer);
            var nr = p.Add("$nr", SqliteType.Integer);
            var min = p.Add("$min", SqliteType.Integer);
            var med = p.Add("$med", SqliteType.Integer);
            var str = p.Add("$str", SqliteType.Integer);
            var snr = p.Add("$snr", SqliteType.Integer);
            var speed = p.Add("$speed", SqliteType.Integer);
            var vis = p.Add("$vis", SqliteType.Integer);
            var state = p.Add("$state", SqliteType.Integer);
            cmd.Prepare();
            foreach (var r in summaries)
            {
                ts.Value = r.UnixS;
                sensor.Value = SensorId(tx, r.Sensor, r.Kind);
                frames.Value = r.Frames;
                nr.Value = Sql.Scaled(r.NoReturnRatio, 1000);
                min.Value = Sql.Scaled(r.MinM, 100);
                med.Value = Sql.Scaled(r.MedianM, 100);
                str.Value = Sql.Scaled(r.Strength, 1);
                snr.Value = Sql.Scaled(r.SnrDb, 100);
                speed.Value = Sql.Scaled(r.SpeedMps, 100);
                vis.Value = Sql.Scaled(r.VisibilityM, 1);
                state.Value = r.State;
                cmd.ExecuteNonQuery();
            }
        }
        foreach (var h in health)
        {
            using var cmd = Command(
                tx,
                """
                INSERT INTO health (ts_utc, sensor, state, previous, age_s, software, config_hash, commissioning)
                VALUES ($ts, $sensor, $state, $prev, $age, $sw, $hash, $commissioning);
                """
            );
            var p = cmd.Parameters;
            p.AddWithValue("$ts", AlertJson.Iso(h.Utc));
            p.AddWithValue("$sensor", h.Sensor);
            p.AddWithValue("$state", h.State);
            p.AddWithValue("$prev", (object?)h.Previous ?? DBNull.Value);
            p.AddWithValue("$age", Sql.Db(h.AgeS));
            p.AddWithValue("$sw", software);
            p.AddWithValue("$hash", configHash);
            p.AddWithValue("$commissioning", (object?)commissioning ?? DBNull.Value);
            cmd.ExecuteNonQuery();
        }
        var more = MinuteRollup.Step(_db, tx, RollupDays * 86_400L).MoreToDo;
        tx.Commit();
        return more;
    }

    /// <summary>One minute rollup step in its own transaction (backfill between batches); nothing is written when no finished
    /// minute is waiting. True: more are waiting.</summary>
    public bool Rollup()
    {
        using var tx = _db.BeginTransaction();
        var result = MinuteRollup.Step(_db, tx, RollupDays * 86_400L);
        tx.Commit();
        return result.MoreToDo;
    }

    private long SensorId(SqliteTransaction tx, string name, string kind)
    {
        if (_sensorIds.TryGetValue(name, out var id))
            return id;
        using (
            var cmd = Command(
                tx,
                "INSERT INTO sensor_names (name, kind) VALUES ($n, $k) ON CONFLICT(name) DO UPDATE SET kind = excluded.kind;"
            )
        )
        {
            cmd.Parameters.AddWithValue("$n", name);
            cmd.Parameters.AddWithValue("$k", kind);
            cmd.ExecuteNonQuery();
        }
        using (var cmd = Command(tx, "SELECT id FROM sensor_names WHERE name = $n;"))
        {
            cmd.Parameters.AddWithValue("$n", name);
            id = (long)cmd.ExecuteScalar()!;
        }
        // Cached only after commit would be stricter; a rolled-back insert re-runs harmlessly (upsert).
        _sensorIds[name] = id;
        return id;
    }

    /// <summary>Level changes in order (tests, the demo summary, the API).</summary>
    public List<(long Id, string TsUtc, string Level, string? Previous, string Reasons)> ReadEvents(int limit = 1000)
    {
        using var cmd = Command(null, "SELECT id, ts_utc, level, previous, reasons FROM events ORDER BY id LIMIT $limit;");
        cmd.Parameters.AddWithValue("$limit", limit);
        using var r = cmd.ExecuteReader();
        var list = new List<(long, string, string, string?, string)>();
        while (r.Read())
            list.Add((r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4)));
        return list;
    }

    /// <summary>Runs one bounded retention step (see <see cref="Retention"/>).</summary>
    public RetentionResult RetentionStep(DateTimeOffset now, int? retentionDays, long maxBytes) =>
        Retention.Step(_db, now, retentionDays, maxBytes);

    internal SqliteConnection Connection => _db;

    private SqliteCommand Command(SqliteTransaction? tx, string sql)
    {
        var cmd = _db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd;
    }

    private long? Meta(string key)
    {
        using var cmd = Command(null, "SELECT value FROM meta WHERE key = $k;");
        cmd.Parameters.AddWithValue("$k", key);
        return cmd.ExecuteScalar() is { } v and not DBNull ? Convert.ToInt64(v, CultureInfo.InvariantCulture) : null;
    }

    private string? MetaText(string key)
    {
        using var cmd = Command(null, "SELECT value FROM meta WHERE key = $k;");
        cmd.Parameters.AddWithValue("$k", key);
        return cmd.ExecuteScalar() as string;
    }

    private void SetMeta(string key, object value, SqliteTransaction? tx)
    {
        using var cmd = Command(tx, "INSERT INTO meta (key, value) VALUES ($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value;");
        cmd.Parameters.AddWithValue("$k", key);
        cmd.Parameters.AddWithValue("$v", value);
        cmd.ExecuteNonQuery();
    }

    public void Dispose() => _db.Dispose();
}
