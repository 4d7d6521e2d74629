using Kavach.Edge.Assessment;
using Kavach.Edge.Configuration;
using Kavach.Edge.Risk;
using Kavach.Edge.Storage;
using Kavach.Edge.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using static Kavach.Edge.Tests.Storage.EventStoreTests;

namespace Kavach.Edge.Tests.Storage;

/// <summary>
/// seq never restarts: only a file SQLite reports corrupt is moved aside (a new epoch begins, its readable
/// unsent outbox rows are queued again); a busy, locked or read-only database is left alone with a clear error.
/// </summary>
public class EpochTests : IDisposable
{
    private readonly TempDir _dir = Repo.NewTempDir();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Seq_continues_across_restarts_within_one_epoch_and_every_alert_carries_it()
    {
        var path = _dir.File("kavach.db");
        string epoch;
        using (var store = EventStore.Open(path, _time))
        {
            epoch = store.Epoch;
            Assert.Matches("^[0-9a-f]{16}$", epoch);
            var first = store.AppendAlert(State(1, RiskLevel.Fault, _time.GetUtcNow()), Context, 0, 100);
            Assert.Contains($"\"epoch\":\"{epoch}\",\"seq\":1,", first.Payload, StringComparison.Ordinal);
        }
        using (var store = EventStore.Open(path, _time))
        {
            Assert.Equal(epoch, store.Epoch);
            var second = store.AppendAlert(State(1, RiskLevel.Low, _time.GetUtcNow()), Context, 0, 100);
            Assert.Equal(2, second.Seq);
            Assert.Contains($"\"epoch\":\"{epoch}\",\"seq\":2,", second.Payload, StringComparison.Ordinal);
        }
        Assert.NotEqual(epoch, EventStore.Open(_dir.File("other.db"), _time).Epoch);
    }

    [Fact]
    public void A_file_that_is_not_a_database_is_moved_aside_and_a_new_epoch_begins_at_seq_1()
    {
        var path = _dir.File("kavach.db");
        File.WriteAllText(path, "this is not a database, it is a shopping list");
        using var store = EventStore.Open(path, _time);
        Assert.NotNull(store.MovedAside);
        Assert.Equal(0, store.Recovered);
        var alert = store.AppendAlert(State(1, RiskLevel.Fault, _time.GetUtcNow()), Context, 0, 100);
        Assert.Equal(1, alert.Seq);
        Assert.Contains($"\"epoch\":\"{store.Epoch}\"", alert.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupt_database_is_moved_aside_and_its_readable_unsent_alerts_are_sent_again_as_they_were()
    {
        var path = _dir.File("kavach.db");
        string oldEpoch;
        List<string> oldPayloads;
        using (var store = EventStore.Open(path, _time))
        {
            oldEpoch = store.Epoch;
            oldPayloads =
            [
                .. Enumerable
                    .Range(1, 3)
                    .Select(i => store.AppendAlert(State(i, RiskLevel.Low, _time.GetUtcNow()), Context, 0, 100).Payload),
            ];
        }
        using (var outbox = new Outbox(path))
            outbox.Remove(outbox.Peek(1)); // seq 1 was sent
        CorruptTable(path, "health");

        using var fresh = EventStore.Open(path, _time);
        Assert.NotNull(fresh.MovedAside);
        Assert.NotEqual(oldEpoch, fresh.Epoch);
        Assert.Equal(2, fresh.Recovered);
        var alert = fresh.AppendAlert(State(1, RiskLevel.High, _time.GetUtcNow()), Context, 0, 100);
        Assert.Equal(1, alert.Seq);
        using var again = new Outbox(path);
        // the old epoch's seq 2 and 3 byte for byte, then the new epoch's seq 1
        Assert.Equal([oldPayloads[1], oldPayloads[2], alert.Payload], again.Peek(10).Select(r => r.Payload));
    }

    [Fact]
    public void A_locked_database_is_left_in_place_with_the_cause_never_moved_aside()
    {
        var path = _dir.File("kavach.db");
        using (var store = EventStore.Open(path, _time))
            store.AppendAlert(State(1, RiskLevel.Fault, _time.GetUtcNow()), Context, 0, 100);
        using var holder = HoldExclusive(path);

        var e = Assert.Throws<StorageUnavailableException>(() => EventStore.Open(path, _time));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("locked", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.corrupt-*"));
        holder.Dispose();
        using var reopened = EventStore.Open(path, _time);
        Assert.Equal(2, reopened.NextSeq); // seq goes on
    }

    [Fact]
    public async Task At_start_up_an_unopenable_database_stops_the_daemon_naming_Storage_Path_and_the_cause()
    {
        var path = _dir.File("kavach.db");
        using (EventStore.Open(path, _time)) { }
        using var holder = HoldExclusive(path);
        var (h, s, _) = StorageServiceTests.Build(path);
        var e = await Assert.ThrowsAsync<ConfigurationRefusedException>(() => s.StartAsync(default));
        Assert.StartsWith("Storage.Path: cannot open " + path, e.Message, StringComparison.Ordinal);
        Assert.Contains("locked", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.corrupt-*"));
        h.Broadcaster.Complete();
    }

    /// <summary>Another connection holding the file exclusively (WAL with locking_mode=EXCLUSIVE keeps others out).</summary>
    private static SqliteConnection HoldExclusive(string path)
    {
        var db = new SqliteConnection($"Data Source={path};Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; INSERT OR REPLACE INTO meta (key, value) VALUES ('held', 1);";
        cmd.ExecuteNonQuery();
        return db;
    }

    /// <summary>Overwrites the root page of <paramref name="table"/> so quick_check fails while the outbox still reads.</summary>
    private static void CorruptTable(string path, string table)
    {
        long root,
            pageSize;
        using (var db = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            db.Open();
            root = (long)Scalar(db, $"SELECT rootpage FROM sqlite_master WHERE name = '{table}';")!;
            pageSize = (long)Scalar(db, "PRAGMA page_size;")!;
            Scalar(db, "PRAGMA wal_checkpoint(TRUNCATE);");
        }
        using var f = File.OpenWrite(path);
        f.Position = (root - 1) * pageSize;
        f.Write(Enumerable.Repeat((byte)0xEE, 64).ToArray());
    }
}
