using System.Diagnostics;
using Kavach.Edge.Alarm;
using Kavach.Edge.Assessment;
using Kavach.Edge.Storage;
using Kavach.Edge.Tests.Assessment;
using Kavach.Edge.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Tests.Storage;

/// <summary>The storage runner driven by the real pipeline on a fake clock.</summary>
public class StorageServiceTests : IDisposable
{
    private readonly TempDir _dir = Repo.NewTempDir();

    public void Dispose() => _dir.Dispose();

    internal static (PipelineHarness H, StorageService S, LineLogger<StorageService> Log) Build(
        string dbPath,
        Dictionary<string, string?>? extra = null
    )
    {
        var o = new Dictionary<string, string?> { ["Risk:ReferenceRangeM"] = "120", ["Storage:Path"] = dbPath };
        if (extra is not null)
            foreach (var kv in extra)
                o[kv.Key] = kv.Value;
        var h = new PipelineHarness(TestConfig.Valid(overrides: o));
        var log = new LineLogger<StorageService>();
        var s = new StorageService(h.Options, h.Faults, h.Time, log);
        Kavach.Edge.Hosting.FanOut.Connect(
            Kavach.Edge.Hosting.FanOut.RiskToStorage(h.Broadcaster, s),
            Kavach.Edge.Hosting.FanOut.TicksToStorage(h.Pipeline, s)
        );
        return (h, s, log);
    }

    private static Action<PipelineHarness, int> Clear => PipelineHarness.World(120, Physics.Strength(120, 5000), 120);

    [Fact]
    public async Task Summaries_are_one_row_per_sensor_per_second_committed_in_batches_every_FlushMs()
    {
        var path = _dir.File("kavach.db");
        var (h, s, log) = Build(path);
        var flushes = new List<(int Rows, int Health)>();
        s.Flushed += (r, hc) =>
        {
            lock (flushes)
                flushes.Add((r, hc));
        };
        var alerts = 0;
        s.Committed += (_, _) => Interlocked.Increment(ref alerts);
        await s.StartAsync(default);
        h.Broadcaster.Publish(h.Risk.Current);
        await Wait.UntilAsync(() => Volatile.Read(ref alerts) == 1, "the storage loop running"); // its flush clock starts now

        // 20 s of a live world at 10 ticks/s: each second makes one row per sensor (3 sensors).
        // Nothing is committed before FlushMs (5 s) has passed...
        h.Run(4.5, Clear);
        await Task.Delay(300);
        lock (flushes)
            Assert.Empty(flushes);
        // ...then the buffered seconds go in one transaction
        h.Run(1, Clear);
        await Wait.UntilAsync(
            () =>
            {
                lock (flushes)
                    return flushes.Count == 1;
            },
            "the first batch"
        );
        h.Run(14.5, Clear);
        await Wait.UntilAsync(
            () =>
            {
                h.Time.Advance(TimeSpan.FromMilliseconds(500)); // no ticks: only the flush timer moves
                lock (flushes)
                    return flushes.Sum(f => f.Rows) >= 60;
            },
            () => $"20 s of summaries: {string.Join(",", flushes)}"
        );
        h.Broadcaster.Complete();
        await s.StopAsync(default);

        lock (flushes)
        {
            Assert.InRange(flushes.Count, 2, 6); // never one commit per row // ~every 5 s, never one commit per row
            Assert.InRange(flushes.Sum(f => f.Rows), 57, 63);
            Assert.True(flushes.Sum(f => f.Health) >= 2, "lidar and radar became live");
        }
        using var db = new SqliteConnection($"Data Source={path};Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText =
            "SELECT frames, no_return_pm, median_cm, strength FROM summaries s JOIN sensor_names n ON n.id = s.sensor WHERE n.name = 'lidar' ORDER BY s.id DESC LIMIT 1;";
        using var r = cmd.ExecuteReader();
        Assert.True(r.Read());
        Assert.InRange(r.GetInt64(0), 95, 105); // the harness LiDAR runs at 100 Hz; the window is 1 s
        Assert.Equal(0, r.GetInt64(1));
        Assert.InRange(r.GetInt64(2), 12000, 12010);
        Assert.True(r.GetInt64(3) > 0);
    }

    [Fact]
    public async Task Every_risk_change_is_committed_at_once_as_an_alert_with_version_and_config_hash()
    {
        var path = _dir.File("kavach.db");
        var (h, s, _) = Build(path);
        var committed = new List<CommittedAlert>();
        s.Committed += (_, a) =>
        {
            lock (committed)
                committed.Add(a);
        };
        await s.StartAsync(default);
        h.Broadcaster.Publish(h.Risk.Current); // starting FAULT
        h.Run(3, Clear); // → LOW
        Assert.Equal(RiskLevel.Low, h.Level);
        await Wait.UntilAsync(
            () =>
            {
                lock (committed)
                    return committed.Count == 2;
            },
            "two alerts"
        );
        h.Broadcaster.Complete();
        await s.StopAsync(default);

        Assert.Equal([1L, 2L], committed.Select(c => c.Seq));
        Assert.Contains($"\"configHash\":\"{h.Options.ConfigHash}\"", committed[1].Payload, StringComparison.Ordinal);
        Assert.Contains($"\"software\":\"{Kavach.Edge.Hosting.AppInfo.Version}\"", committed[1].Payload, StringComparison.Ordinal);
        Assert.Contains("\"state\":\"live\"", committed[1].Payload, StringComparison.Ordinal);
        using var db = new SqliteConnection($"Data Source={path};Pooling=False");
        db.Open();
        Assert.Equal(
            2L,
            EventStoreTests.Scalar(
                db,
                "SELECT COUNT(*) FROM events WHERE software IS NOT NULL AND config_hash = '" + h.Options.ConfigHash + "';"
            )
        );
    }

    [Fact]
    public async Task Operator_events_are_committed_with_their_source_and_kept()
    {
        var path = _dir.File("kavach.db");
        var (h, s, _) = Build(path);
        await s.StartAsync(default);
        s.Record(new OperatorEvent("ack", "signaller-7", CommandSource.Mqtt, h.Time.GetUtcNow(), 3, "acknowledged HIGH"));
        s.Record(new OperatorEvent("maintenance-start", "tech-2", CommandSource.Button, h.Time.GetUtcNow(), 3, "30 min"));
        await Wait.UntilAsync(() => Count(path, "operator_events") == 2, "two operator events");
        h.Broadcaster.Complete();
        await s.StopAsync(default);
        using var db = new SqliteConnection($"Data Source={path};Pooling=False");
        db.Open();
        Assert.Equal("mqtt", EventStoreTests.Scalar(db, "SELECT source FROM operator_events WHERE kind = 'ack';"));
        Assert.Equal("button", EventStoreTests.Scalar(db, "SELECT source FROM operator_events WHERE by = 'tech-2';"));
    }

    [Fact]
    public async Task A_read_only_database_at_start_up_is_refused_naming_Storage_Path_and_left_in_place()
    {
        using var mount = TmpfsMount.Create(_dir.File("ro"), sizeKb: 4096);
        var path = Path.Combine(mount.Path, "kavach.db");
        // create a healthy database, then make the file system read-only under it
        using (var store = EventStore.Open(path, TimeProvider.System)) { }
        mount.RemountReadOnly();

        var (h, s, _) = Build(path);
        var e = await Assert.ThrowsAsync<Kavach.Edge.Configuration.ConfigurationRefusedException>(() => s.StartAsync(default));
        Assert.StartsWith("Storage.Path: cannot open " + path, e.Message, StringComparison.Ordinal);
        Assert.Equal(["kavach.db"], Directory.GetFiles(mount.Path).Select(Path.GetFileName));
        h.Broadcaster.Complete();
    }

    [Fact]
    public async Task A_full_disk_is_FAULT_and_alerts_wait_in_memory_until_it_clears()
    {
        using var mount = TmpfsMount.Create(_dir.File("full"), sizeKb: 1024);
        var path = Path.Combine(mount.Path, "kavach.db");
        var (h, s, log) = Build(path);
        var committed = 0;
        s.Committed += (_, _) => Interlocked.Increment(ref committed);
        await s.StartAsync(default);
        h.Broadcaster.Publish(h.Risk.Current);
        await Wait.UntilAsync(() => Volatile.Read(ref committed) == 1, "the first alert");
        var filler = Path.Combine(mount.Path, "filler");
        try
        {
            using (var f = File.OpenWrite(filler))
            {
                var block = new byte[64 * 1024];
                try
                {
                    while (true)
                        f.Write(block);
                }
                catch (IOException) { }
            }
        }
        catch (IOException) { }
        // alerts keep coming while the disk is full
        h.Run(3, Clear);
        await Wait.UntilAsync(() => h.Faults.IsActive("storage"), "the storage fault on a full disk");
        Assert.True(log.Has(LogLevel.Error, "Storage: cannot"));
        File.Delete(filler);
        h.Time.Advance(TimeSpan.FromSeconds(31)); // past the longest backoff
        await Wait.UntilAsync(
            () =>
            {
                h.Time.Advance(TimeSpan.FromSeconds(1));
                return Volatile.Read(ref committed) >= 2 && !h.Faults.IsActive("storage");
            },
            "recovery after space returns"
        );
        h.Broadcaster.Complete();
        await s.StopAsync(default);
    }

    private static long Count(string path, string table)
    {
        try
        {
            using var db = new SqliteConnection($"Data Source={path};Pooling=False;Mode=ReadOnly");
            db.Open();
            return (long)EventStoreTests.Scalar(db, $"SELECT COUNT(*) FROM {table};")!;
        }
        catch (SqliteException)
        {
            return -1;
        }
    }
}

/// <summary>A small tmpfs (root only: tests run as root here and in CI) for full-disk and read-only cases.</summary>
public sealed class TmpfsMount : IDisposable
{
    private TmpfsMount(string path) => Path = path;

    public string Path { get; }

    public static TmpfsMount Create(string path, int sizeKb)
    {
        Directory.CreateDirectory(path);
        Run("mount", "-t", "tmpfs", "-o", $"size={sizeKb}k", "tmpfs", path);
        return new TmpfsMount(path);
    }

    public void RemountReadOnly() => Run("mount", "-o", "remount,ro", Path);

    public void Dispose()
    {
        try
        {
            Run("umount", "-l", Path);
        }
        catch (InvalidOperationException) { }
    }

    private static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException(
                $"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {p.StandardError.ReadToEnd()} — these tests need root (mount)"
            );
    }
}
