using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Kavach.Edge.Storage;

/// <summary>
/// The database schema and its migrations, by <c>PRAGMA user_version</c>. Each step runs once, in one
/// transaction, and keeps every row of the version before it. A database newer than this build is refused.
/// <list type="bullet">
/// <item>v1: <c>events</c> (every risk level change).</item>
/// <item>v2: events gain the alert columns (seq, uuid, run, change, keep, payload…); <c>meta</c>,
/// <c>summaries</c> (per sensor per second, scaled integers), <c>sensor_names</c>, <c>health</c>,
/// <c>operator_events</c>, <c>outbox</c>; incremental auto-vacuum.</item>
/// <item>v3: events, health and operator events gain <c>commissioning</c>, the hash of the commissioning record the
/// daemon ran with (NULL: not commissioned, or an older row).</item>
/// <item>v4: <c>meta</c> 'epoch', the alert stream id (16 hex digits from SQLite's randomblob, seeded from the OS):
/// a new database gets one at creation, an older one at this migration, and keeps it for its life. Outbox rows may
/// also be of kind 'recovered': a moved-aside corrupt file's unsent rows, sent as they were (no new column).</item>
/// <item>v5: <c>dead_letter</c>: outbox rows the broker refused (a PUBACK reason other than success), with the reason;
/// outbox rows may be of kind 'rejected', the small record sent in place of a refused row.</item>
/// <item>v6: <c>summaries_minute</c>, the per-minute rollup of <c>summaries</c> the trends read (<see cref="MinuteRollup"/>), and
/// <c>meta</c> 'rollup_to'. Created empty: the storage service fills it from the existing rows after start, in chunks.</item>
/// </list>
/// </summary>
public static class Schema
{
    /// <summary>The schema version this build writes.</summary>
    public const int Version = 6;

    public static void Migrate(SqliteConnection db)
    {
        var version = Convert.ToInt32(Sql.Scalar(db, "PRAGMA user_version;"), CultureInfo.InvariantCulture);
        if (version > Version)
            throw new InvalidOperationException(
                $"database schema version {version} is newer than this build's {Version}; refusing to touch it"
            );
        if (version < 1)
        {
            // Must precede the first table; an existing v1 file is converted by VACUUM below.
            Sql.Exec(db, "PRAGMA auto_vacuum=INCREMENTAL;");
            using var tx = db.BeginTransaction();
            Sql.Exec(db, V1, tx);
            tx.Commit();
        }
        if (version < 2)
        {
            using (var tx = db.BeginTransaction())
            {
                Sql.Exec(db, V2, tx);
                tx.Commit();
            }
            if (Convert.ToInt32(Sql.Scalar(db, "PRAGMA auto_vacuum;"), CultureInfo.InvariantCulture) != 2)
            {
                // A v1 file: switch to incremental vacuum once (a v1 file holds only events, so this is quick).
                Sql.Exec(db, "PRAGMA auto_vacuum=INCREMENTAL;");
                Sql.Exec(db, "VACUUM;");
            }
        }
        if (version < 3)
        {
            using var tx = db.BeginTransaction();
            Sql.Exec(db, V3, tx);
            tx.Commit();
        }
        if (version < 4)
        {
            using var tx = db.BeginTransaction();
            Sql.Exec(db, V4, tx);
            tx.Commit();
        }
        if (version < 5)
        {
            using var tx = db.BeginTransaction();
            Sql.Exec(db, V5, tx);
            tx.Commit();
        }
        if (version < 6)
        {
            using var tx = db.BeginTransaction();
            Sql.Exec(db, V6, tx);
            tx.Commit();
        }
    }

    private const string V1 = """
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
        """;

    private const string V2 = """
        ALTER TABLE events ADD COLUMN seq INTEGER;            -- alert seq, per device, gap-free (NULL: a v1 row, never uplinked)
        ALTER TABLE events ADD COLUMN uuid TEXT;              -- alert id (UUIDv7)
        ALTER TABLE events ADD COLUMN run INTEGER;            -- daemon run (meta 'runs') the change belongs to
        ALTER TABLE events ADD COLUMN change INTEGER;         -- RiskState.Change within that run (the alarm's episode id)
        ALTER TABLE events ADD COLUMN keep INTEGER NOT NULL DEFAULT 0; -- 1: kept past RetentionDays (HIGH, FAULT)
        ALTER TABLE events ADD COLUMN clock_synced INTEGER;
        ALTER TABLE events ADD COLUMN maintenance INTEGER;
        ALTER TABLE events ADD COLUMN payload TEXT;           -- the alert JSON exactly as uplinked
        UPDATE events SET keep = 1 WHERE level IN ('HIGH', 'FAULT');
        CREATE UNIQUE INDEX ix_events_seq ON events(seq) WHERE seq IS NOT NULL;

        CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;

        CREATE TABLE sensor_names (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, kind TEXT NOT NULL);

        -- One row per sensor per second, in time order (rowid), no other index: appends touch one page.
        -- Scaled integers keep rows at ~20 bytes: *_cm centimetres, snr_cdb 0.01 dB, no_return_pm per mille.
        CREATE TABLE summaries (
            id           INTEGER PRIMARY KEY,
            ts_s         INTEGER NOT NULL,   -- unix seconds (UTC) at the end of the second
            sensor       INTEGER NOT NULL REFERENCES sensor_names(id),
            frames       INTEGER NOT NULL,
            no_return_pm INTEGER,            -- frames without a return/target, per mille
            min_cm       INTEGER,            -- lidar: nearest return; radar: latest nearest-target range
            median_cm    INTEGER,            -- lidar: median return; radar: median nearest-target range
            strength     INTEGER,            -- lidar: median return strength
            snr_cdb      INTEGER,            -- radar: median SNR
            speed_cmps   INTEGER,            -- radar: median closing speed
            visibility_m INTEGER,            -- camera: median visibility
            state        INTEGER NOT NULL    -- 0 never seen, 1 live, 2 stale, 3 frozen
        );

        CREATE TABLE health (
            id          INTEGER PRIMARY KEY,
            ts_utc      TEXT NOT NULL,
            sensor      TEXT NOT NULL,
            state       TEXT NOT NULL,
            previous    TEXT,
            age_s       REAL,
            software    TEXT NOT NULL,
            config_hash TEXT NOT NULL
        );

        CREATE TABLE operator_events (
            id          INTEGER PRIMARY KEY,
            ts_utc      TEXT NOT NULL,
            kind        TEXT NOT NULL,
            by          TEXT NOT NULL,
            source      TEXT NOT NULL,
            run         INTEGER NOT NULL,
            episode     INTEGER NOT NULL,
            detail      TEXT NOT NULL,
            software    TEXT NOT NULL,
            config_hash TEXT NOT NULL
        );

        -- Alerts waiting for their PUBACK, in send order (id). kind 'alert' covers seq_from = seq_to;
        -- kind 'shed' reports alerts dropped because the outbox was full and always sits at the head.
        CREATE TABLE outbox (
            id         INTEGER PRIMARY KEY,
            kind       TEXT    NOT NULL,
            seq_from   INTEGER NOT NULL,
            seq_to     INTEGER NOT NULL,
            payload    TEXT    NOT NULL
        );
        PRAGMA user_version = 2;
        """;

    private const string V3 = """
        ALTER TABLE events ADD COLUMN commissioning TEXT;          -- commissioning record hash (NULL: not commissioned)
        ALTER TABLE health ADD COLUMN commissioning TEXT;
        ALTER TABLE operator_events ADD COLUMN commissioning TEXT;
        PRAGMA user_version = 3;
        """;

    private const string V4 = """
        INSERT OR IGNORE INTO meta (key, value) VALUES ('epoch', lower(hex(randomblob(8))));
        PRAGMA user_version = 4;
        """;

    private const string V5 = """
        -- Outbox rows the broker refused, kept (never retried, never pruned) with its reason.
        CREATE TABLE dead_letter (
            id         INTEGER PRIMARY KEY,
            ts_utc     TEXT    NOT NULL,
            kind       TEXT    NOT NULL,
            seq_from   INTEGER NOT NULL,
            seq_to     INTEGER NOT NULL,
            payload    TEXT    NOT NULL,
            reason     TEXT    NOT NULL
        );
        PRAGMA user_version = 5;
        """;

    private const string V6 = """
        -- One row per sensor per minute, rolled up from summaries once a row of a later minute is stored (MinuteRollup), for
        -- the trends. Sums and counts rather than means, so any number of minutes add up to exactly what their per-second rows
        -- give; values from live rows only (state 1), as the trends read them. Clustered by (minute, sensor): appends at the
        -- end, a range is one b-tree walk. ~40 bytes a row: a day of three sensors is 4 320 rows (170 KB) where summaries
        -- hold 259 200 (7.9 MB).
        CREATE TABLE summaries_minute (
            ts_s         INTEGER NOT NULL,   -- unix seconds (UTC) at the start of the minute: the summaries with ts_s in [ts_s, ts_s + 60)
            sensor       INTEGER NOT NULL REFERENCES sensor_names(id),
            seconds      INTEGER NOT NULL,   -- summary rows in the minute, any state (a repeated second counts twice)
            live         INTEGER NOT NULL,   -- of which live
            frames       INTEGER NOT NULL,   -- sum
            nr_sum       INTEGER NOT NULL,   -- no_return_pm: sum and count over live rows holding one
            nr_n         INTEGER NOT NULL,
            nearest_cm   INTEGER,            -- min of COALESCE(min_cm, median_cm) (lidar nearest return, radar nearest target)
            str_sum      INTEGER NOT NULL,   -- strength: sum and count
            str_n        INTEGER NOT NULL,
            snr_sum      INTEGER NOT NULL,   -- snr_cdb: sum and count
            snr_n        INTEGER NOT NULL,
            visibility_m INTEGER,            -- min (the worst)
            ttc_s        REAL,               -- min of median_cm / speed_cmps where speed_cmps > 0 (closing), seconds
            PRIMARY KEY (ts_s, sensor)
        ) WITHOUT ROWID;
        PRAGMA user_version = 6;
        """;
}

/// <summary>Tiny ADO helpers.</summary>
internal static class Sql
{
    public static void Exec(SqliteConnection db, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public static object? Scalar(SqliteConnection db, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    public static long Long(SqliteConnection db, string sql, SqliteTransaction? tx = null) =>
        Convert.ToInt64(Scalar(db, sql, tx) ?? 0L, CultureInfo.InvariantCulture);

    public static object Db(double? v) => v is { } d && double.IsFinite(d) ? d : DBNull.Value;

    /// <summary>A float scaled to an integer (NaN/∞ → NULL).</summary>
    public static object Scaled(float v, double scale) => float.IsFinite(v) ? (object)(long)Math.Round(v * scale) : DBNull.Value;
}
