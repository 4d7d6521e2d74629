using System.Globalization;
using Kavach.Edge.Storage;
using Microsoft.Data.Sqlite;

namespace Kavach.Edge.Tests.Support;

/// <summary>
/// Writes known rows into a daemon's database file before the daemon opens it (created and migrated here, as the daemon would):
/// the sensor names of <see cref="TestConfig.Minimal"/> (lidar 1, radar 2, camera 3), per-second summaries in their scaled
/// integers, and level changes. One writer; dispose before the daemon starts.
/// </summary>
public sealed class TrendSeed : IDisposable
{
    public const int Lidar = 1,
        Radar = 2,
        Camera = 3;

    private readonly SqliteConnection _db;
    private readonly SqliteTransaction _tx;
    private readonly SqliteCommand _row;

    public TrendSeed(string path)
    {
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _db.Open();
        Sql.Exec(_db, "PRAGMA journal_mode=WAL;");
        Schema.Migrate(_db);
        _tx = _db.BeginTransaction();
        Sql.Exec(
            _db,
            "INSERT INTO sensor_names (id, name, kind) VALUES (1, 'lidar', 'lidar'), (2, 'radar', 'radar'), (3, 'camera', 'camera');",
            _tx
        );
        _row = _db.CreateCommand();
        _row.Transaction = _tx;
        _row.CommandText = """
            INSERT INTO summaries (ts_s, sensor, frames, no_return_pm, min_cm, median_cm, strength, snr_cdb, speed_cmps, visibility_m, state)
            VALUES ($ts, $sensor, $frames, $nr, $min, $med, $str, $snr, $speed, $vis, $state);
            """;
        foreach (var p in new[] { "$ts", "$sensor", "$frames", "$nr", "$min", "$med", "$str", "$snr", "$speed", "$vis", "$state" })
            _row.Parameters.Add(p, SqliteType.Integer);
        _row.Prepare();
    }

    public void Lidar1s(long ts, int frames, int noReturnPm, int minCm, int strength, int state = 1) =>
        Row(ts, Lidar, frames, noReturnPm, minCm, minCm + 50, strength, null, null, null, state);

    public void Radar1s(long ts, int frames, int noReturnPm, int rangeCm, int snrCdb, int speedCmps, int state = 1) =>
        Row(ts, Radar, frames, noReturnPm, null, rangeCm, null, snrCdb, speedCmps, null, state);

    public void Camera1s(long ts, int visibilityM, int state = 1) =>
        Row(ts, Camera, 1, null, null, null, null, null, null, visibilityM, state);

    public void Row(long ts, int sensor, int frames, int? nr, int? min, int? med, int? strength, int? snr, int? speed, int? vis, int state)
    {
        object?[] values = [ts, sensor, frames, nr, min, med, strength, snr, speed, vis, state];
        for (var i = 0; i < values.Length; i++)
            _row.Parameters[i].Value = values[i] ?? DBNull.Value;
        _row.ExecuteNonQuery();
    }

    /// <summary>A stored level change at <paramref name="at"/> (the columns the trends read; the rest filled plausibly).</summary>
    public void Level(DateTimeOffset at, string level, string? previous = null)
    {
        using var cmd = _db.CreateCommand();
        cmd.Transaction = _tx;
        cmd.CommandText = """
            INSERT INTO events (ts_utc, mono_ms, level, previous, reasons, faults, raised_by, software, config_hash, keep)
            VALUES ($ts, 0, $level, $prev, '["seeded"]', '[]', 'safety-floor', 'test', 'seed', $keep);
            """;
        cmd.Parameters.AddWithValue("$ts", at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("$level", level);
        cmd.Parameters.AddWithValue("$prev", (object?)previous ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$keep", level is "HIGH" or "FAULT" ? 1 : 0);
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _row.Dispose();
        _tx.Commit();
        _tx.Dispose();
        _db.Dispose();
    }
}
