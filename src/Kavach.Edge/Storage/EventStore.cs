using System.Globalization;
using Kavach.Edge.Assessment;
using Kavach.Edge.Risk;
using Microsoft.Data.Sqlite;

namespace Kavach.Edge.Storage;

/// <summary>
/// The local SQLite database: risk events (every level change). Schema versioned with
/// <c>PRAGMA user_version</c>; later versions add tables by migration. WAL with synchronous=FULL:
/// a committed event survives power loss (NORMAL in WAL mode may lose the last commits on power cut,
/// and events are rare enough that the extra fsync costs nothing). Not thread-safe: one writer
/// (the storage service) owns it.
/// </summary>
public sealed class EventStore : IDisposable
{
    /// <summary>The schema version this build writes.</summary>
    public const int SchemaVersion = 1;

    private readonly SqliteConnection _db;

    private EventStore(SqliteConnection db, string path, string? movedAside)
    {
        _db = db;
        Path = path;
        MovedAside = movedAside;
    }

    public string Path { get; }

    /// <summary>Where a corrupt database found at start was moved (null when none was).</summary>
    public string? MovedAside { get; }

    /// <summary>
    /// Opens (creating folder and file as needed) and migrates. A file that is not a healthy SQLite
    /// database is moved aside (never overwritten) and a fresh one created.
    /// </summary>
    public static EventStore Open(string path, TimeProvider time)
    {
        var full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        string? movedAside = null;
        if (File.Exists(full) && !IsHealthy(full))
        {
            movedAside = $"{full}.corrupt-{time.GetUtcNow():yyyyMMddTHHmmssZ}";
            File.Move(full, movedAside);
            foreach (var side in new[] { "-wal", "-shm" })
                if (File.Exists(full + side)) File.Move(full + side, movedAside + side);
        }
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = full, Pooling = false }.ToString());
        db.Open();
        Exec(db, "PRAGMA journal_mode=WAL;");
        Exec(db, "PRAGMA synchronous=FULL;");
        Exec(db, "PRAGMA busy_timeout=2000;");
        Migrate(db);
        return new EventStore(db, full, movedAside);
    }

    private static bool IsHealthy(string path)
    {
        try
        {
            using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "PRAGMA quick_check;";
            return cmd.ExecuteScalar() as string == "ok";
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    private static void Migrate(SqliteConnection db)
    {
        var version = Convert.ToInt32(Scalar(db, "PRAGMA user_version;"), CultureInfo.InvariantCulture);
        if (version > SchemaVersion)
            throw new InvalidOperationException($"database schema version {version} is newer than this build's {SchemaVersion}; refusing to touch it");
        if (version < 1)
        {
            using var tx = db.BeginTransaction();
            Exec(db, """
                CREATE TABLE events (
                    id                INTEGER PRIMARY KEY,
                    ts_utc            TEXT    NOT NULL,
                    mono_ms           INTEGER NOT NULL,
                    level             TEXT    NOT NULL,
                    previous          TEXT,
                    reasons           TEXT    NOT NULL,
                    faults            TEXT    NOT NULL,
                    visibility_m      REAL,
                    visibility_bound  INTEGER NOT NULL DEFAULT 0,
                    fog_class         TEXT,
                    obstacle_range_m  REAL,
                    closing_speed_mps REAL,
                    ttc_s             REAL,
                    obstacle_source   TEXT,
                    raised_by         TEXT    NOT NULL,
                    software          TEXT    NOT NULL,
                    config_hash       TEXT    NOT NULL
                );
                CREATE INDEX ix_events_ts ON events(ts_utc);
                PRAGMA user_version = 1;
                """, tx);
            tx.Commit();
        }
    }

    /// <summary>Commits one risk change as an event row; returns its id.</summary>
    public long Append(RiskState s, string software, string configHash, long monoMs)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = """
            INSERT INTO events (ts_utc, mono_ms, level, previous, reasons, faults, visibility_m, visibility_bound, fog_class,
                                obstacle_range_m, closing_speed_mps, ttc_s, obstacle_source, raised_by, software, config_hash)
            VALUES ($ts, $mono, $level, $prev, $reasons, $faults, $vis, $bound, $fog, $range, $speed, $ttc, $src, $by, $sw, $hash);
            SELECT last_insert_rowid();
            """;
        var f = s.Floor;
        cmd.Parameters.AddWithValue("$ts", s.Utc.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("$mono", monoMs);
        cmd.Parameters.AddWithValue("$level", RiskLevels.Name(s.Level));
        cmd.Parameters.AddWithValue("$prev", s.Previous is { } p ? RiskLevels.Name(p) : DBNull.Value);
        cmd.Parameters.AddWithValue("$reasons", JsonText.Array(s.Reasons));
        cmd.Parameters.AddWithValue("$faults", JsonText.Array(s.Faults));
        cmd.Parameters.AddWithValue("$vis", Db(f?.VisibilityM));
        cmd.Parameters.AddWithValue("$bound", f?.VisibilityIsBound == true ? 1 : 0);
        cmd.Parameters.AddWithValue("$fog", f is null ? DBNull.Value : FogClasses.Name(f.FogClass));
        cmd.Parameters.AddWithValue("$range", Db(f?.ObstacleRangeM));
        cmd.Parameters.AddWithValue("$speed", Db(f?.ClosingSpeedMps));
        cmd.Parameters.AddWithValue("$ttc", Db(f?.TtcS));
        cmd.Parameters.AddWithValue("$src", f is null || f.ObstacleSource == ObstacleSource.None ? DBNull.Value : SafetyFloor.SourceName(f.ObstacleSource));
        cmd.Parameters.AddWithValue("$by", s.RaisedBy);
        cmd.Parameters.AddWithValue("$sw", software);
        cmd.Parameters.AddWithValue("$hash", configHash);
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>Level changes in order (tests, the demo summary, the API).</summary>
    public List<(long Id, string TsUtc, string Level, string? Previous, string Reasons)> ReadEvents(int limit = 1000)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT id, ts_utc, level, previous, reasons FROM events ORDER BY id LIMIT $limit;";
        cmd.Parameters.AddWithValue("$limit", limit);
        using var r = cmd.ExecuteReader();
        var list = new List<(long, string, string, string?, string)>();
        while (r.Read()) list.Add((r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4)));
        return list;
    }

    private static object Db(double? v) => v is { } d && double.IsFinite(d) ? d : DBNull.Value;

    private static void Exec(SqliteConnection db, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    public void Dispose() => _db.Dispose();
}
