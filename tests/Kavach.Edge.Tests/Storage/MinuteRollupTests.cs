using System.Text.Json;
using Kavach.Edge.Api;
using Kavach.Edge.Storage;
using Kavach.Edge.Tests.Assessment;
using Kavach.Edge.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Kavach.Edge.Tests.Storage;

/// <summary>The per-minute rollup (Schema v6): migration of a v5 file, the writer's rollup and backfill, retention, and the trends
/// read from minutes agreeing with the trends read from seconds.</summary>
public class MinuteRollupTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDir _dir = Repo.NewTempDir();

    public void Dispose() => _dir.Dispose();

    private static SqliteConnection Connect(string path)
    {
        var db = new SqliteConnection($"Data Source={path};Pooling=False");
        db.Open();
        return db;
    }

    private static object? Scalar(SqliteConnection db, string sql) => EventStoreTests.Scalar(db, sql);

    private static void RollAll(EventStore store)
    {
        for (var i = 0; store.Rollup(); i++)
            Assert.True(i < 10_000, "the rollup ends");
    }

    private static string Json(TrendPage page) => JsonSerializer.Serialize(page, ApiJson.Default.TrendPage);

    // Cases/schema-v5.db was written by the v5 build (commit 260885e) through EventStore: four alerts (FAULT, LOW, MEDIUM, LOW),
    // an ack, a health change and 330 s of summaries of lidar, radar and camera from 2026-12-01T00:00:00Z (5 stale lidar rows
    // at 100-104 s, a frozen camera row at 200 s, radar seconds without a return, receding and closing speeds).
    [Fact]
    public void A_v5_database_migrates_to_v6_keeping_its_rows_and_its_minutes_are_rolled_up_after()
    {
        var path = _dir.File("kavach.db");
        File.Copy(Path.Combine(Repo.Root, "tests/Kavach.Edge.Tests/Storage/Cases/schema-v5.db"), path);
        string epoch;
        using (var db = Connect(path))
        {
            Assert.Equal(5L, Scalar(db, "PRAGMA user_version;"));
            epoch = (string)Scalar(db, "SELECT value FROM meta WHERE key = 'epoch';")!;
        }

        using (var store = EventStore.Open(path, new FakeTimeProvider(T0.AddDays(1))))
        {
            Assert.Null(store.MovedAside);
            Assert.Equal(epoch, store.Epoch);
            Assert.Equal(5, store.NextSeq);
            Assert.Equal(["FAULT", "LOW", "MEDIUM", "LOW"], store.ReadEvents().Select(e => e.Level));
            var db = store.Connection;
            Assert.Equal(6L, Scalar(db, "PRAGMA user_version;"));
            Assert.Equal(990L, Scalar(db, "SELECT COUNT(*) FROM summaries;"));
            Assert.Equal(4L, Scalar(db, "SELECT COUNT(*) FROM outbox;"));
            Assert.Equal(1L, Scalar(db, "SELECT COUNT(*) FROM operator_events WHERE by = 'ravi';"));
            Assert.Equal(1L, Scalar(db, "SELECT COUNT(*) FROM health;"));
            Assert.Equal(0L, Scalar(db, "SELECT COUNT(*) FROM summaries_minute;")); // created empty: filled by the writer
            Assert.Null(MinuteRollup.Watermark(db));

            RollAll(store);
            // minutes 0-4 rolled; minute 5 (300-329 s) is the latest row's and may still grow
            Assert.Equal(T0.ToUnixTimeSeconds() + 300, MinuteRollup.Watermark(db));
            Assert.Equal(15L, Scalar(db, "SELECT COUNT(*) FROM summaries_minute;"));
            // minute 1 of the lidar holds the 5 stale seconds: counted as seconds, not as live, their values left out
            using var cmd = db.CreateCommand();
            cmd.CommandText = $"""
                SELECT seconds, live, frames, nr_sum, nr_n, nearest_cm, str_sum, str_n FROM summaries_minute
                WHERE ts_s = {T0.ToUnixTimeSeconds() + 60} AND sensor = (SELECT id FROM sensor_names WHERE name = 'lidar');
                """;
            using var r = cmd.ExecuteReader();
            Assert.True(r.Read());
            var live = Enumerable.Range(60, 60).Where(i => i is < 100 or >= 105).ToList();
            Assert.Equal(60, r.GetInt64(0));
            Assert.Equal(55, r.GetInt64(1));
            Assert.Equal(Enumerable.Range(60, 60).Sum(i => 100 - i % 3), r.GetInt64(2));
            Assert.Equal(live.Sum(i => i % 10 * 100), r.GetInt64(3));
            Assert.Equal(55, r.GetInt64(4));
            Assert.Equal(live.Min(i => 70 + i % 17) * 100, r.GetInt64(5));
            Assert.Equal(live.Sum(i => 300 + i % 50), r.GetInt64(6));
            Assert.Equal(55, r.GetInt64(7));
        }
        // the trends of the migrated file agree between the two paths
        var q = new TrendQuery(T0.ToUnixTimeSeconds(), T0.ToUnixTimeSeconds() + 330, 120);
        Assert.Equal(Json(new TrendReader(path, minuteRollup: false).Read(q)), Json(new TrendReader(path).Read(q)));
    }

    // 31.5 minutes of three sensors with everything the aggregates must get right: values missing (NULL), stale and frozen rows,
    // a repeated second, seconds without any row (a stopped daemon: 600-899 s; the lidar alone: 1000-1029 s), receding targets.
    private static List<(
        long Ts,
        int Sensor,
        int Frames,
        int? Nr,
        int? Min,
        int? Med,
        int? Str,
        int? Snr,
        int? Speed,
        int? Vis,
        int State
    )> Seed(string path)
    {
        var rng = new Random(20);
        var rows = new List<(long, int, int, int?, int?, int?, int?, int?, int?, int?, int)>();
        var t0 = T0.ToUnixTimeSeconds();
        int State() =>
            rng.Next(40) switch
            {
                0 => 2,
                1 => 3,
                _ => 1,
            };
        int? Maybe(int v) => rng.Next(15) == 0 ? null : v;
        using var seed = new TrendSeed(path);
        seed.Level(T0.AddHours(-1), "LOW", "FAULT");
        seed.Level(T0.AddSeconds(250), "MEDIUM", "LOW");
        seed.Level(T0.AddSeconds(1400), "HIGH", "MEDIUM");
        seed.Level(T0.AddSeconds(1410), "LOW", "HIGH");
        for (var s = 0; s < 1890; s++)
        {
            if (s is >= 600 and < 900)
                continue;
            var ts = t0 + s;
            if (s is < 1000 or >= 1030)
            {
                var frames = rng.Next(10) == 0 ? 0 : rng.Next(90, 111);
                var min = rng.Next(500, 12000);
                rows.Add(
                    (
                        ts,
                        1,
                        frames,
                        frames == 0 ? null : rng.Next(1001),
                        Maybe(min),
                        min + 40,
                        Maybe(rng.Next(50, 900)),
                        null,
                        null,
                        null,
                        State()
                    )
                );
            }
            var speed = rng.Next(-500, 1500);
            rows.Add(
                (ts, 2, 20, rng.Next(1001), null, Maybe(rng.Next(300, 15000)), null, Maybe(rng.Next(500, 3500)), speed, null, State())
            );
            rows.Add((ts, 3, 1, null, null, null, null, null, null, Maybe(rng.Next(30, 3000)), State()));
            if (s == 1234)
                rows.Add((ts, 3, 1, null, null, null, null, null, null, 25, 1));
        }
        foreach (var r in rows)
            seed.Row(r.Item1, r.Item2, r.Item3, r.Item4, r.Item5, r.Item6, r.Item7, r.Item8, r.Item9, r.Item10, r.Item11);
        return rows;
    }

    [Fact]
    public void Trends_from_the_minutes_are_the_trends_from_the_seconds()
    {
        var path = _dir.File("kavach.db");
        var rows = Seed(path);
        using (var store = EventStore.Open(path, new FakeTimeProvider(T0)))
        {
            RollAll(store);
            Assert.Equal(T0.ToUnixTimeSeconds() + 1860, MinuteRollup.Watermark(store.Connection));
            Assert.Equal(3L * 26, Scalar(store.Connection, "SELECT COUNT(*) FROM summaries_minute;")); // minutes 0-9 and 15-30, every sensor
        }
        var t0 = T0.ToUnixTimeSeconds();
        TrendQuery[] queries =
        [
            new(t0, t0 + 1890, 120), // the last bucket: a minute from the rollup and 30 s from the seconds
            new(t0 + 240, t0 + 1800, 120),
            new(t0 - 600, t0 + 2400, 60),
            new(t0 - 600, t0 + 2400, 300),
            new(t0, t0 + 3600, 3600),
        ];
        var seconds = new TrendReader(path, minuteRollup: false);
        var minutes = new TrendReader(path);
        var expected = queries.Select(q => Json(seconds.Read(q))).ToList();
        for (var i = 0; i < queries.Length; i++)
            Assert.Equal(expected[i], Json(minutes.Read(queries[i])));

        // checked against the seeded values, not only path against path: step 120, the worst visibility, the lidar's mean
        // no-return ratio and the radar's least time to collision of each bucket, live rows only
        var page = minutes.Read(queries[0]);
        for (var b = 0; b < page.T.Length; b++)
        {
            var inBucket = rows.Where(r => r.Ts >= page.T[b] && r.Ts < page.T[b] + 120 && r.State == 1).ToList();
            var vis = inBucket.Where(r => r.Sensor == 3 && r.Vis is not null).Select(r => (double?)r.Vis).Min();
            Assert.Equal(vis, page.Series["visibilityM"][b]);
            var nr = inBucket.Where(r => r.Sensor == 1 && r.Nr is not null).Select(r => r.Nr!.Value).ToList();
            Assert.Equal(nr.Count == 0 ? null : Math.Round(nr.Sum() / (double)nr.Count * 0.001, 3), page.Sensors[0].Series["noReturn"][b]);
            var ttc = inBucket
                .Where(r => r.Sensor == 2 && r.Speed > 0 && r.Med is not null)
                .Select(r => (double?)(r.Med!.Value * 1.0 / r.Speed!.Value))
                .Min();
            Assert.Equal(ttc is { } x ? Math.Round(x, 1) : null, page.Sensors[1].Series["ttcS"][b]);
        }
        Assert.Equal(25, page.Series["visibilityM"][1234 / 120]); // the repeated second
        Assert.Equal(new double?[] { null, null }, page.Series["coverage"][5..7]); // 600-839 s: no row, no level claimed
        Assert.Equal(new string?[] { null, null }, page.Level[5..7]);
        Assert.Equal(0.5, page.Series["coverage"][7]); // 840-959 s: rows from 900 s

        // the minute path really reads the minutes: with the rolled seconds gone it still gives the same page
        using (var db = Connect(path))
            Scalar(db, $"DELETE FROM summaries WHERE ts_s < {t0 + 1860};");
        Assert.Equal(expected[0], Json(minutes.Read(queries[0])));
        Assert.NotEqual(expected[0], Json(seconds.Read(queries[0])));
    }

    [Fact]
    public void The_writer_rolls_each_finished_minute_into_its_batch_and_a_restart_backfills_in_chunks()
    {
        var path = _dir.File("kavach.db");
        var t0 = T0.ToUnixTimeSeconds();
        static SummaryRow Row(long ts, string name) => new(ts, name, name, 10, 0.25f, 12.5f, 13f, 400, float.NaN, float.NaN, float.NaN, 1);
        using (var store = EventStore.Open(path, new FakeTimeProvider(T0)))
        {
            // seconds 0-59 and the first of the next minute in one batch: minute 0 is rolled in it
            Assert.False(store.WriteBatch([.. Enumerable.Range(0, 61).Select(i => Row(t0 + i, "lidar"))], [], "0.1.0", "hash"));
            Assert.Equal(t0 + 60, MinuteRollup.Watermark(store.Connection));
            Assert.Equal(1L, Scalar(store.Connection, "SELECT COUNT(*) FROM summaries_minute;"));
            Assert.Equal(60L, Scalar(store.Connection, $"SELECT seconds FROM summaries_minute WHERE ts_s = {t0};"));
            // more seconds of the open minute roll nothing
            Assert.False(store.WriteBatch([Row(t0 + 70, "lidar")], [], "0.1.0", "hash"));
            Assert.Equal(t0 + 60, MinuteRollup.Watermark(store.Connection));
        }
        // a run that stored 3 hours without rolling (a build before v6): the watermark is set back as if it never rolled
        using (var db = Connect(path))
        {
            using var tx = db.BeginTransaction();
            using var cmd = db.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "INSERT INTO summaries (ts_s, sensor, frames, state) VALUES ($ts, 1, 10, 1);";
            var ts = cmd.Parameters.Add("$ts", SqliteType.Integer);
            for (var s = 71; s < 3 * 3600 + 30; s++)
            {
                ts.Value = t0 + s;
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
        }
        using (var store = EventStore.Open(path, new FakeTimeProvider(T0.AddHours(3))))
        {
            var steps = 0;
            while (store.Rollup())
            {
                steps++;
                Assert.True(MinuteRollup.Watermark(store.Connection) - t0 <= (steps + 1) * MinuteRollup.ChunkS, "an hour per step at most");
            }
            Assert.Equal(2, steps); // three chunks: the last one says no more
            Assert.Equal(t0 + 3 * 3600, MinuteRollup.Watermark(store.Connection));
            Assert.Equal(180L, Scalar(store.Connection, "SELECT COUNT(*) FROM summaries_minute;"));
            Assert.Equal(51L, Scalar(store.Connection, $"SELECT seconds FROM summaries_minute WHERE ts_s = {t0 + 60};")); // 60, 70, 71-119
            Assert.False(store.Rollup()); // nothing waiting: nothing written
        }
    }

    [Fact]
    public void A_gap_of_days_is_skipped_and_the_backfill_goes_back_no_further_than_the_retention_window()
    {
        var path = _dir.File("kavach.db");
        var t0 = T0.ToUnixTimeSeconds();
        using (var seed = new TrendSeed(path))
            foreach (var day in new[] { 0, 1, 40, 41 }) // rows on days 0-1 and 40-41 (now), ten minutes each
                for (var s = 0; s < 600; s++)
                    seed.Lidar1s(t0 + day * 86_400L + s, 100, 0, 1000, 500);
        using var store = EventStore.Open(path, new FakeTimeProvider(T0.AddDays(41)));
        store.RollupDays = 30;
        var steps = 1;
        while (store.Rollup())
            steps++;
        Assert.True(steps <= 3, $"{steps} steps: empty days are skipped");
        Assert.Equal(t0 + 41 * 86_400L + 540, MinuteRollup.Watermark(store.Connection));
        Assert.Equal(10L + 9, Scalar(store.Connection, "SELECT COUNT(*) FROM summaries_minute;")); // days 40 and 41; 0-1 are past the window
    }

    [Fact]
    public void Retention_removes_old_minutes_by_age_and_after_the_summaries_by_size()
    {
        var path = _dir.File("kavach.db");
        var time = new FakeTimeProvider(T0);
        using var store = EventStore.Open(path, time);
        var t0 = T0.ToUnixTimeSeconds();
        store.WriteBatch(
            [
                .. Enumerable
                    .Range(0, 600)
                    .Select(i => new SummaryRow(t0 + i, "lidar", "lidar", 10, 0, 1, 1, 1, float.NaN, float.NaN, float.NaN, 1)),
            ],
            [],
            "0.1.0",
            "hash"
        );
        Assert.Equal(9L, Scalar(store.Connection, "SELECT COUNT(*) FROM summaries_minute;"));

        // by age: minutes before the cutoff go with their seconds
        var r = store.RetentionStep(T0.AddDays(90).AddSeconds(300), 90, long.MaxValue);
        Assert.Equal(300 + 5, r.Deleted);
        Assert.Equal(t0 + 300, Scalar(store.Connection, "SELECT MIN(ts_s) FROM summaries_minute;"));
        Assert.Equal(t0 + 300, Scalar(store.Connection, "SELECT MIN(ts_s) FROM summaries;"));

        // by size: the summaries first, then the minutes
        r = store.RetentionStep(T0, 90, maxBytes: 0);
        Assert.Equal(300, r.Deleted);
        Assert.Equal(4L, Scalar(store.Connection, "SELECT COUNT(*) FROM summaries_minute;"));
        r = store.RetentionStep(T0, 90, maxBytes: 0);
        Assert.Equal(4, r.Deleted);
        Assert.Equal(0L, Scalar(store.Connection, "SELECT COUNT(*) FROM summaries_minute;"));
    }

    [Fact]
    public async Task The_storage_service_rolls_up_the_minutes_the_pipeline_finished()
    {
        var path = _dir.File("kavach.db");
        var (h, s, _) = StorageServiceTests.Build(path);
        var rows = 0;
        s.Flushed += (r, _) => Interlocked.Add(ref rows, r);
        await s.StartAsync(default);
        h.Run(70, PipelineHarness.World(120, Physics.Strength(120, 5000), 120));
        await Wait.UntilAsync(
            () =>
            {
                h.Time.Advance(TimeSpan.FromMilliseconds(500)); // no ticks: only the flush timer moves
                return Volatile.Read(ref rows) >= 3 * 69;
            },
            () => $"70 s of summaries flushed ({Volatile.Read(ref rows)} rows)"
        );
        // 70 s of rows span at least one finished minute, rolled by a flush while running (not only at stop)
        using (var db = Connect(path))
        {
            var last = (long)Scalar(db, "SELECT MAX(ts_s) FROM summaries;")!;
            Assert.Equal(MinuteRollup.Minute(last), MinuteRollup.Watermark(db));
            var minutes = (MinuteRollup.Minute(last) - MinuteRollup.Minute((long)Scalar(db, "SELECT MIN(ts_s) FROM summaries;")!)) / 60;
            Assert.InRange(minutes, 1, 2);
            Assert.Equal(3 * minutes, Scalar(db, "SELECT COUNT(*) FROM summaries_minute;"));
        }
        h.Broadcaster.Complete();
        await s.StopAsync(default);
    }
}
