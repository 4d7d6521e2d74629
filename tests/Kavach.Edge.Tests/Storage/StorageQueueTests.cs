using Kavach.Edge.Alarm;
using Kavach.Edge.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Kavach.Edge.Tests.Storage;

/// <summary>The storage sink on its output runner, against real SQLite files: one ordered queue, overflow, drain.</summary>
public class StorageQueueTests : IDisposable
{
    private readonly TempDir _dir = Repo.NewTempDir();

    public void Dispose() => _dir.Dispose();

    private static OperatorEvent Ack(int i, DateTimeOffset utc) => new("ack", $"op-{i}", CommandSource.Api, utc, i, $"ack {i}");

    [Fact]
    public async Task A_locked_database_fills_the_one_queue_the_overflow_is_FAULT_and_counted_and_clears_when_the_queue_drains()
    {
        var path = _dir.File("kavach.db");
        var (h, s, log) = StorageServiceTests.Build(path, new() { ["Storage:QueueCapacity"] = "64" });
        var alerts = 0;
        s.Committed += (_, _) => Interlocked.Increment(ref alerts);
        await s.StartAsync(default);
        s.Record(Ack(0, h.Time.GetUtcNow()));
        h.Broadcaster.Publish(h.Risk.Current);
        await Wait.UntilAsync(() => Volatile.Read(ref alerts) == 1, "the first alert");

        // another writer holds the database: the storage loop waits on it with a batch in hand
        using var blocker = new SqliteConnection($"Data Source={path};Pooling=False");
        blocker.Open();
        using var tx = blocker.BeginTransaction(deferred: false);
        h.Broadcaster.Publish(h.Risk.Current);
        await Wait.UntilAsync(() => s.Runner.Queued == 0, "the loop taking the change into a batch");
        for (var i = 1; i <= 64; i++)
            s.Record(Ack(i, h.Time.GetUtcNow()));
        h.Broadcaster.Publish(h.Risk.Current); // a risk change into a full queue: counted, FAULT
        s.Record(Ack(99, h.Time.GetUtcNow()));
        Assert.Equal(2, s.Runner.Overflowed);
        Assert.Contains("output storage: queue full (64), 2 item(s) not written", h.Faults.Snapshot());

        tx.Rollback();
        await Wait.UntilAsync(
            () =>
            {
                h.Time.Advance(TimeSpan.FromSeconds(1)); // past a backoff, if the busy wait gave up first
                return !h.Faults.IsActive("output storage") && !h.Faults.IsActive("storage");
            },
            () => $"the faults clearing once the queue drained: {string.Join("; ", h.Faults.Snapshot())}"
        );
        await s.StopAsync(default);

        Assert.Equal(2, Volatile.Read(ref alerts));
        using var db = new SqliteConnection($"Data Source={path};Pooling=False");
        db.Open();
        Assert.Equal(2L, EventStoreTests.Scalar(db, "SELECT COUNT(*) FROM events;"));
        Assert.Equal(65L, EventStoreTests.Scalar(db, "SELECT COUNT(*) FROM operator_events;"));
        Assert.Equal(0L, EventStoreTests.Scalar(db, "SELECT COUNT(*) FROM operator_events WHERE by = 'op-99';"));
        Assert.True(log.Has(Microsoft.Extensions.Logging.LogLevel.Information, "Storage: the queue has drained"));
    }

    [Fact]
    public async Task Risk_changes_and_operator_events_queued_together_are_all_committed_each_kind_in_order_and_drained_on_stop()
    {
        var path = _dir.File("kavach.db");
        var (h, s, log) = StorageServiceTests.Build(path);
        var order = new List<string>();
        s.Committed += (_, a) =>
        {
            lock (order)
                order.Add($"alert {a.Seq}");
        };
        await s.StartAsync(default);
        // queued while the loop is busy or not: one queue either way; the stop drains them all
        for (var i = 0; i < 100; i++)
        {
            if (i % 3 == 0)
                h.Broadcaster.Publish(h.Risk.Current);
            else
                s.Record(Ack(i, h.Time.GetUtcNow()));
        }
        await s.StopAsync(default);

        using var db = new SqliteConnection($"Data Source={path};Pooling=False");
        db.Open();
        Assert.Equal(34L, EventStoreTests.Scalar(db, "SELECT COUNT(*) FROM events;"));
        Assert.Equal(66L, EventStoreTests.Scalar(db, "SELECT COUNT(*) FROM operator_events;"));
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT episode FROM operator_events ORDER BY id;";
        using var r = cmd.ExecuteReader();
        var episodes = new List<long>();
        while (r.Read())
            episodes.Add(r.GetInt64(0));
        Assert.Equal(Enumerable.Range(0, 100).Where(i => i % 3 != 0).Select(i => (long)i), episodes);
        Assert.Equal(Enumerable.Range(1, 34).Select(i => $"alert {i}"), order);
        Assert.False(log.Has(Microsoft.Extensions.Logging.LogLevel.Error, ""), string.Join("\n", log.Lines));
    }
}

/// <summary>Retention and the clock (issue 14, item 9): nothing is deleted by age while the wall clock is not synchronised.</summary>
public class StorageRetentionClockTests : IDisposable
{
    private readonly TempDir _dir = Repo.NewTempDir();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Rows_that_look_old_by_an_unsynchronised_clock_are_kept_until_it_is_synchronised()
    {
        var path = _dir.File("kavach.db");
        var (h, s, log) = StorageServiceTests.Build(path);
        var old = h.Time.GetUtcNow().AddDays(-200);
        using (var store = Kavach.Edge.Storage.EventStore.Open(path, h.Time))
            store.WriteBatch(
                [
                    new Kavach.Edge.Storage.SummaryRow(
                        old.ToUnixTimeSeconds(),
                        "lidar",
                        "lidar",
                        100,
                        0.1f,
                        10,
                        20,
                        900,
                        float.NaN,
                        float.NaN,
                        float.NaN,
                        1
                    ),
                ],
                [],
                "0.1.0",
                "hash"
            );
        s.Clock.Override = false;
        await s.StartAsync(default);
        await Wait.UntilAsync(
            () =>
            {
                h.Time.Advance(TimeSpan.FromSeconds(6)); // past FlushMs: a tick with its retention step
                return log.Has(Microsoft.Extensions.Logging.LogLevel.Information, "retention by age waits for the wall clock");
            },
            "a retention step without a synchronised clock"
        );
        Assert.Equal(1L, Count(path));

        s.Clock.Override = true;
        await Wait.UntilAsync(
            () =>
            {
                h.Time.Advance(TimeSpan.FromSeconds(20)); // the next step comes within a minute
                return Count(path) == 0;
            },
            "the old summary deleted once the clock is synchronised"
        );
        await s.StopAsync(default);
    }

    private static long Count(string path)
    {
        using var db = new SqliteConnection($"Data Source={path};Pooling=False;Mode=ReadOnly");
        db.Open();
        return (long)EventStoreTests.Scalar(db, "SELECT COUNT(*) FROM summaries;")!;
    }
}

/// <summary>Refused commands are pruned like readings, by age and by size; accepted acks and maintenance are kept (issue 14, item
/// 9).</summary>
public class RefusedCommandRetentionTests : IDisposable
{
    private readonly TempDir _dir = Repo.NewTempDir();

    public void Dispose() => _dir.Dispose();

    private static OperatorEvent Op(string kind, int i, DateTimeOffset utc) =>
        new(kind, $"op-{i}", CommandSource.Mqtt, utc, i, new string('x', 300));

    [Fact]
    public void Refused_commands_go_by_age_accepted_ones_stay()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var store = Kavach.Edge.Storage.EventStore.Open(_dir.File("kavach.db"), time);
        var old = time.GetUtcNow();
        foreach (var kind in new[] { "ack", "ack-refused", "maintenance-start", "maintenance-refused", "maintenance-end" })
            store.AppendOperator(Op(kind, 1, old), "0.1.0", "hash");
        var result = store.RetentionStep(old.AddDays(91), 90, long.MaxValue);
        Assert.Equal(2, result.Deleted);
        Assert.Equal(3L, EventStoreTests.Scalar(store.Connection, "SELECT COUNT(*) FROM operator_events WHERE kind NOT LIKE '%-refused';"));
        Assert.Equal(0L, EventStoreTests.Scalar(store.Connection, "SELECT COUNT(*) FROM operator_events WHERE kind LIKE '%-refused';"));
    }

    [Fact]
    public void A_flood_of_refused_commands_counts_toward_MaxSizeMb_and_is_pruned_oldest_first()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var store = Kavach.Edge.Storage.EventStore.Open(_dir.File("kavach.db"), time);
        store.AppendOperator(Op("ack", 0, time.GetUtcNow()), "0.1.0", "hash");
        store.Batch(() =>
        {
            for (var i = 1; i <= 6000; i++)
                store.AppendOperator(Op("ack-refused", i, time.GetUtcNow()), "0.1.0", "hash");
        });
        var cap = Kavach.Edge.Storage.Retention.UsedBytes(store.Connection) / 2;
        Kavach.Edge.Storage.RetentionResult r;
        var steps = 0;
        do
        {
            r = store.RetentionStep(time.GetUtcNow(), 90, cap);
            steps++;
        } while (r.MoreToDo && steps < 100);
        Assert.True(r.SizeBytes <= cap, $"{r.SizeBytes} bytes > cap {cap}");
        Assert.Equal(1L, EventStoreTests.Scalar(store.Connection, "SELECT COUNT(*) FROM operator_events WHERE kind = 'ack';"));
        var left = (long)EventStoreTests.Scalar(store.Connection, "SELECT MIN(episode) FROM operator_events WHERE kind = 'ack-refused';")!;
        Assert.True(left > 1, "the oldest refused commands went first");
    }
}
