using Kavach.Edge.Alarm;
using Kavach.Edge.Assessment;
using Kavach.Edge.Risk;
using Kavach.Edge.Storage;
using Kavach.Edge.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Kavach.Edge.Tests.Storage;

/// <summary>The SQLite store on its own: schema migration, alerts + outbox, shedding, retention.</summary>
public class EventStoreTests : IDisposable
{
    private readonly TempDir _dir = Repo.NewTempDir();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero));

    public void Dispose() => _dir.Dispose();

    internal static readonly AlertContext Context = new(
        "test-unit",
        "0.1.0",
        "0123456789abcdef",
        true,
        false,
        [new AlertSensor("lidar", "lidar", "live", 0.01), new AlertSensor("radar", "radar", "stale", 3.2)]
    );

    internal static RiskState State(long change, RiskLevel level, DateTimeOffset utc) =>
        new()
        {
            Change = change,
            Level = level,
            Utc = utc,
            Reasons = [level == RiskLevel.High ? "obstacle 62 m in zone (radar)" : "nothing detected"],
            Faults = level == RiskLevel.Fault ? ["sensor radar: stale (3.2 s without a frame)"] : [],
            RaisedBy = level == RiskLevel.Fault ? "fault" : "floor",
            Floor = new FloorAssessment
            {
                VisibilityM = 180,
                VisibilitySource = "lidar",
                ObstacleSource = ObstacleSource.Radar,
                ObstacleRangeM = 62,
                ClosingSpeedMps = 4.2,
                TtcS = 14.8,
                InZone = true,
                Level = level,
                Reasons = ["obstacle 62 m in zone (radar)"],
            },
        };

    [Fact]
    public void Migrates_a_v1_database_keeping_its_events()
    {
        var path = _dir.File("v1.db");
        using (var db = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = """
                CREATE TABLE events (id INTEGER PRIMARY KEY, ts_utc TEXT NOT NULL, mono_ms INTEGER NOT NULL, level TEXT NOT NULL, previous TEXT,
                  reasons TEXT NOT NULL, faults TEXT NOT NULL, visibility_m REAL, visibility_bound INTEGER NOT NULL DEFAULT 0, fog_class TEXT,
                  obstacle_range_m REAL, closing_speed_mps REAL, ttc_s REAL, obstacle_source TEXT, raised_by TEXT NOT NULL,
                  software TEXT NOT NULL, config_hash TEXT NOT NULL);
                CREATE INDEX ix_events_ts ON events(ts_utc);
                INSERT INTO events (ts_utc, mono_ms, level, reasons, faults, raised_by, software, config_hash)
                  VALUES ('2026-01-01T00:00:00.000Z', 5, 'HIGH', '["x"]', '[]', 'floor', '0.0.9', 'aaaa');
                INSERT INTO events (ts_utc, mono_ms, level, reasons, faults, raised_by, software, config_hash)
                  VALUES ('2026-01-01T00:00:09.000Z', 9, 'LOW', '["y"]', '[]', 'floor', '0.0.9', 'aaaa');
                PRAGMA user_version = 1;
                """;
            cmd.ExecuteNonQuery();
        }

        using (var store = EventStore.Open(path, _time))
        {
            Assert.Null(store.MovedAside);
            var events = store.ReadEvents();
            Assert.Equal(["HIGH", "LOW"], events.Select(e => e.Level));
            Assert.Equal(1, store.NextSeq); // v1 rows were never uplinked: seq starts at 1
            store.AppendAlert(State(1, RiskLevel.Fault, _time.GetUtcNow()), Context, 0, 100);
        }
        using var check = new SqliteConnection($"Data Source={path};Pooling=False");
        check.Open();
        Assert.Equal((long)EventStore.SchemaVersion, Scalar(check, "PRAGMA user_version;"));
        Assert.Equal(2L, Scalar(check, "PRAGMA auto_vacuum;")); // incremental
        Assert.Equal("wal", Scalar(check, "PRAGMA journal_mode;"));
        Assert.Equal(1L, Scalar(check, "SELECT keep FROM events WHERE level = 'HIGH' AND seq IS NULL;"));
        Assert.Equal(0L, Scalar(check, "SELECT keep FROM events WHERE level = 'LOW';"));
        Assert.Equal(3L, Scalar(check, "SELECT COUNT(*) FROM events;"));
    }

    [Fact]
    public void A_corrupt_file_is_moved_aside_and_a_fresh_database_started()
    {
        var path = _dir.File("kavach.db");
        File.WriteAllText(path, "this is not a database, it is a shopping list");
        using var store = EventStore.Open(path, _time);
        Assert.NotNull(store.MovedAside);
        Assert.Equal("this is not a database, it is a shopping list", File.ReadAllText(store.MovedAside!));
        store.AppendAlert(State(1, RiskLevel.Fault, _time.GetUtcNow()), Context, 0, 100);
        Assert.Single(store.ReadEvents());
    }

    [Fact]
    public void Alert_seq_is_gap_free_and_previous_survives_restarts()
    {
        var path = _dir.File("kavach.db");
        using (var store = EventStore.Open(path, _time))
        {
            Assert.Equal(1, store.Run);
            var first = store.AppendAlert(State(1, RiskLevel.Fault, _time.GetUtcNow()), Context, 0, 100);
            Assert.Equal(1, first.Seq);
            Assert.Contains("\"previous\":null", first.Payload, StringComparison.Ordinal);
            var second = store.AppendAlert(State(2, RiskLevel.Low, _time.GetUtcNow()), Context, 0, 100);
            Assert.Equal(2, second.Seq);
            Assert.Contains("\"previous\":\"FAULT\"", second.Payload, StringComparison.Ordinal);
        }
        using (var store = EventStore.Open(path, _time))
        {
            Assert.Equal(2, store.Run);
            var third = store.AppendAlert(State(1, RiskLevel.Fault, _time.GetUtcNow()), Context, 0, 100);
            Assert.Equal(3, third.Seq);
            Assert.Contains("\"previous\":\"LOW\"", third.Payload, StringComparison.Ordinal);
        }
        using var outbox = new Outbox(path);
        var rows = outbox.Peek(10);
        Assert.Equal([1L, 2, 3], rows.Select(r => r.SeqFrom));
        Assert.All(rows, r => Assert.Equal("alert", r.Kind));
        Assert.Equal((2L, 1L), outbox.FindAlert(3));
        Assert.Equal(2L, outbox.FindSeq(1, 2));
        outbox.Remove(rows.Take(2).ToList());
        Assert.Equal([3L], outbox.Peek(10).Select(r => r.SeqFrom));
    }

    [Fact]
    public void A_full_outbox_sheds_the_oldest_and_a_shed_record_goes_first()
    {
        var path = _dir.File("kavach.db");
        using var store = EventStore.Open(path, _time);
        for (var i = 1; i <= 15; i++)
            store.AppendAlert(State(i, RiskLevel.Low, _time.GetUtcNow()), Context, 0, outboxMaxRows: 10);
        Assert.Equal(5, store.ShedTotal);
        using var outbox = new Outbox(path);
        var rows = outbox.Peek(100);
        Assert.Equal("shed", rows[0].Kind);
        Assert.Equal((1L, 5L), (rows[0].SeqFrom, rows[0].SeqTo));
        Assert.Contains("\"fromSeq\":1", rows[0].Payload, StringComparison.Ordinal);
        Assert.Contains("\"count\":5", rows[0].Payload, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(6, 10).Select(i => (long)i), rows.Skip(1).Select(r => r.SeqFrom));

        // more shedding merges into the same head record
        store.AppendAlert(State(16, RiskLevel.Low, _time.GetUtcNow()), Context, 0, outboxMaxRows: 10);
        rows = outbox.Peek(100);
        Assert.Equal(("shed", 1L, 6L), (rows[0].Kind, rows[0].SeqFrom, rows[0].SeqTo));
        Assert.Equal(11, rows.Count);
        // every alert is still in the events table: shedding drops the uplink copy, not the record
        Assert.Equal(16, store.ReadEvents().Count);
    }

    [Fact]
    public void Retention_by_age_keeps_high_fault_and_operator_events()
    {
        var path = _dir.File("kavach.db");
        using var store = EventStore.Open(path, _time);
        var old = _time.GetUtcNow();
        store.AppendAlert(State(1, RiskLevel.High, old), Context, 0, 100);
        store.AppendAlert(State(2, RiskLevel.Low, old), Context, 0, 100);
        store.AppendAlert(State(3, RiskLevel.Fault, old), Context, 0, 100);
        store.AppendOperator(new OperatorEvent("ack", "op1", CommandSource.Mqtt, old, 1, "acknowledged"), "0.1.0", "hash");
        store.WriteBatch(
            [new SummaryRow(old.ToUnixTimeSeconds(), "lidar", "lidar", 100, 0.1f, 10, 20, 900, float.NaN, float.NaN, float.NaN, 1)],
            [new HealthChange(old, "lidar", "live", null, 0)],
            "0.1.0",
            "hash"
        );

        var result = store.RetentionStep(old.AddDays(91), retentionDays: 90, maxBytes: long.MaxValue);
        Assert.Equal(3, result.Deleted); // the LOW event, the summary, the health change
        Assert.Equal(["HIGH", "FAULT"], store.ReadEvents().Select(e => e.Level));
        Assert.Equal(1L, Scalar(store.Connection, "SELECT COUNT(*) FROM operator_events;"));
        Assert.Equal(0L, Scalar(store.Connection, "SELECT COUNT(*) FROM summaries;"));
    }

    [Fact]
    public void Retention_by_size_removes_the_oldest_summaries_and_returns_space_in_small_steps()
    {
        var path = _dir.File("kavach.db");
        using var store = EventStore.Open(path, _time);
        var t0 = _time.GetUtcNow().ToUnixTimeSeconds();
        for (var batch = 0; batch < 20; batch++)
        {
            var rows = Enumerable
                .Range(0, 1000)
                .Select(i => new SummaryRow(
                    t0 + batch * 1000 + i,
                    "lidar",
                    "lidar",
                    100,
                    0.1f,
                    10.5f,
                    20.25f,
                    900,
                    float.NaN,
                    float.NaN,
                    float.NaN,
                    1
                ))
                .ToList();
            store.WriteBatch(rows, [], "0.1.0", "hash");
        }
        var before = Retention.UsedBytes(store.Connection);
        var pagesBefore = (long)Scalar(store.Connection, "PRAGMA page_count;")!;
        var cap = before / 2;
        var steps = 0;
        RetentionResult r;
        do
        {
            r = store.RetentionStep(_time.GetUtcNow(), 90, cap);
            Assert.True(r.Deleted <= Retention.BatchRows && r.PagesFreed <= Retention.VacuumPages);
        } while (r.MoreToDo && ++steps < 100);
        Assert.True(r.SizeBytes <= cap, $"{r.SizeBytes} > {cap}");
        Assert.True((long)Scalar(store.Connection, "PRAGMA page_count;")! < pagesBefore * 3 / 4, "incremental vacuum gave pages back");
        // the newest rows stayed
        Assert.Equal(t0 + 19_999, Scalar(store.Connection, "SELECT MAX(ts_s) FROM summaries;"));
    }

    internal static object? Scalar(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }
}
