using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Kavach.Edge.Assessment;
using Kavach.Edge.Configuration;
using Kavach.Edge.Fusion;
using Kavach.Edge.Hosting;
using Kavach.Edge.Risk;
using Kavach.Edge.Sensors;
using Kavach.Edge.Storage;
using Kavach.Edge.Uplink;
using Kavach.Protocols;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Kavach.Benchmarks;

/// <summary>
/// `kavach-benchmarks storage [--runs N] [--minutes M]`: committed alerts/s, outbox drain rate to a local
/// mosquitto after a 10 000-alert backlog, and bytes written per hour at default settings with two LiDARs
/// at 100 Hz and a radar at 20 Hz (a shortened simulated run, extrapolated). Prints medians.
/// </summary>
public static class StorageBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var runs = Arg(args, "--runs", 5);
        var minutes = Arg(args, "--minutes", 10);
        var root = Path.Combine(Path.GetTempPath(), "kavach-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        try
        {
            Console.WriteLine($"storage benchmarks: {runs} runs, temp folder {root} ({Environment.ProcessorCount} cores)");
            var commit = new List<double>();
            for (var i = 0; i < runs; i++)
                commit.Add(CommittedAlertsPerSecond(Path.Combine(root, $"commit{i}.db"), 2000));
            Report("committed alerts/s (event + outbox row, one fsync'd transaction each)", commit, "0");

            var drain = new List<double>();
            for (var i = 0; i < runs; i++)
                drain.Add(await DrainRateAsync(Path.Combine(root, $"drain{i}.db"), 10_000).ConfigureAwait(false));
            Report("outbox drain to local mosquitto after a 10 000-alert backlog, alerts/s (QoS 1, PUBACK each)", drain, "0");

            var written = new List<double>();
            var files = new List<double>();
            for (var i = 0; i < Math.Min(runs, 3); i++)
            {
                var (ioMbPerHour, fileMbPerHour) = BytesPerHour(Path.Combine(root, $"hour{i}.db"), minutes);
                written.Add(ioMbPerHour);
                files.Add(fileMbPerHour);
            }
            Report($"bytes written per hour, MB (write() calls: db + WAL, {minutes} simulated min extrapolated)", written, "0.00");
            Report("database growth per hour, MB", files, "0.00");
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(root, true);
            }
            catch (IOException) { }
        }
    }

    private static double CommittedAlertsPerSecond(string path, int n)
    {
        var time = TimeProvider.System;
        using var store = EventStore.Open(path, time);
        var context = new AlertContext(
            "bench",
            "0.1.0",
            "0123456789abcdef",
            true,
            false,
            [new AlertSensor("lidar", "lidar", "live", 0.01)]
        );
        var sw = Stopwatch.StartNew();
        for (var i = 1; i <= n; i++)
            store.AppendAlert(State(i, i % 2 == 0 ? RiskLevel.High : RiskLevel.Low), context, 0, 100_000);
        return n / sw.Elapsed.TotalSeconds;
    }

    private static async Task<double> DrainRateAsync(string path, int n)
    {
        var options = Options(
            $$"""{ "Storage": { "Path": "{{path}}" }, "Uplink": { "Host": "127.0.0.1", "Port": PORT, "TelemetryMs": 0 } }""",
            out _
        );
        using (var store = EventStore.Open(path, TimeProvider.System))
        {
            // fill the backlog fast: the one-fsync-per-alert rate is measured above
            var context = new AlertContext(
                "bench",
                "0.1.0",
                "0123456789abcdef",
                true,
                false,
                [new AlertSensor("lidar", "lidar", "live", 0.01)]
            );
            Sql(store, "PRAGMA synchronous=OFF;");
            for (var i = 1; i <= n; i++)
                store.AppendAlert(State(i, i % 2 == 0 ? RiskLevel.High : RiskLevel.Low), context, 0, 100_000);
        }
        await using var broker = await Mosquitto.StartAsync().ConfigureAwait(false);
        options = Options(
            $$"""{ "Storage": { "Path": "{{path}}" }, "Uplink": { "Host": "127.0.0.1", "Port": {{broker.Port}}, "TelemetryMs": 0 } }""",
            out _
        );
        var faults = new StageFaults();
        var broadcaster = new RiskBroadcaster();
        var storage = new StorageService(options, faults, TimeProvider.System, NullLogger<StorageService>.Instance);
        var uplink = new UplinkService(options, storage, broadcaster, faults, TimeProvider.System, NullLogger<UplinkService>.Instance);
        FanOut.Connect(FanOut.RiskToStorage(broadcaster, storage), FanOut.CommitsToUplink(storage, uplink));
        await storage.StartAsync(default).ConfigureAwait(false);
        var sw = Stopwatch.StartNew();
        await uplink.StartAsync(default).ConfigureAwait(false);
        while (uplink.Sent < n)
        {
            if (sw.Elapsed > TimeSpan.FromMinutes(5))
                throw new TimeoutException($"drained only {uplink.Sent} of {n}");
            await Task.Delay(5).ConfigureAwait(false);
        }
        var rate = n / sw.Elapsed.TotalSeconds;
        await uplink.StopAsync(default).ConfigureAwait(false);
        broadcaster.Complete();
        await storage.StopAsync(default).ConfigureAwait(false);
        return rate;
    }

    /// <summary>
    /// The real fusion and safety floor on a fake clock fed at sensor rate, the recorder on the tick hook and
    /// a batch every FlushMs (what StorageService does), for <paramref name="minutes"/> simulated minutes.
    /// </summary>
    private static (double IoMb, double FileMb) BytesPerHour(string path, int minutes)
    {
        var options = Options($$"""{ "Storage": { "Path": "{{path}}" } }""", out var flushMs);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var fusion = new FusionEngine(options, time);
        var faults = new StageFaults();
        var broadcaster = new RiskBroadcaster();
        var pipeline = new Kavach.Edge.Pipeline.TickPipeline(
            fusion,
            new SafetyFloor(options),
            new RiskStateMachine(options, time),
            broadcaster,
            faults,
            time,
            NullLogger<Kavach.Edge.Pipeline.TickPipeline>.Instance
        );
        var recorder = new ReadingRecorder(options, time);
        pipeline.Ticked += recorder.OnTick;
        using var store = EventStore.Open(path, TimeProvider.System);
        var before = WriteChars();
        var sizeBefore = Size(path);
        var ticks = minutes * 60 * 10;
        var sinceFlush = 0;
        for (var t = 0; t < ticks; t++)
        {
            for (var k = 0; k < 10; k++) // 10 ms steps: LiDARs at 100 Hz, radar at 20 Hz
            {
                var now = time.GetTimestamp();
                var j = ((t * 10 + k) % 7) * 0.01f;
                fusion.Add(Lidar(0, now, 120 + j));
                fusion.Add(Lidar(1, now, 95 + j));
                if (k % 5 == 0)
                    fusion.Add(Radar(2, now, 120 + (t % 5) * 0.02f));
                time.Advance(TimeSpan.FromMilliseconds(10));
            }
            pipeline.Step();
            sinceFlush += 100;
            if (sinceFlush >= flushMs)
            {
                sinceFlush = 0;
                var (rows, health) = recorder.Take();
                store.WriteBatch(rows, health, "0.1.0", options.ConfigHash);
                if (t % 600 == 0)
                    store.RetentionStep(time.GetUtcNow(), options.Storage.RetentionDays, options.Storage.MaxSizeMb * 1048576L);
            }
        }
        var io = WriteChars() - before;
        var growth = Size(path) - sizeBefore;
        var scale = 60.0 / minutes / 1048576.0;
        return (io * scale, growth * scale);
    }

    private static Reading Lidar(int sensor, long now, float d)
    {
        var r = Reading.Empty(sensor, SensorKind.Lidar, now);
        r.DistanceM = d;
        r.Strength = 400 + d % 3;
        return r;
    }

    private static Reading Radar(int sensor, long now, float range)
    {
        var r = Reading.Empty(sensor, SensorKind.Radar, now);
        r.RangeM = range;
        r.ClosingSpeedMps = 0;
        r.SnrDb = 20;
        r.Targets = 1;
        return r;
    }

    private static RiskState State(long change, RiskLevel level) =>
        new()
        {
            Change = change,
            Level = level,
            Utc = DateTimeOffset.UtcNow,
            Reasons = ["bench"],
            Faults = [],
            RaisedBy = "floor",
            Floor = new FloorAssessment
            {
                VisibilityM = 800,
                VisibilitySource = "lidar",
                Level = level,
                Reasons = ["bench"],
            },
        };

    private static KavachOptions Options(string overrides, out int flushMs)
    {
        const string sensors = """
            "Device": { "Id": "bench" },
            "Sensors": [
              { "Name": "lidar-a", "Kind": "lidar", "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 }, "BaselineStrength": 2000, "BaselineRangeM": 60 },
              { "Name": "lidar-b", "Kind": "lidar", "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 }, "BaselineStrength": 2000, "BaselineRangeM": 60 },
              { "Name": "radar", "Kind": "radar", "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 } }
            ],
            "Risk": { "ReferenceRangeM": 120 },
            "Logging": { "File": "" },
            """;
        var json = "{" + sensors + overrides.Trim()[1..^1].Replace("PORT", "1883", StringComparison.Ordinal) + "}";
        var errors = new List<string>();
        var o = KavachOptions.Bind(
            new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build(),
            errors
        );
        if (errors.Count > 0)
            throw new InvalidOperationException(string.Join("\n", errors));
        flushMs = o.Storage.FlushMs;
        return o;
    }

    // wchar: bytes this process passed to write()/pwrite() (SQLite's db and WAL writes; an upper bound of what
    // reaches the card before the file system's own metadata). write_bytes is 0 on tmpfs/overlay test machines.
    private static long WriteChars()
    {
        foreach (var line in File.ReadLines("/proc/self/io"))
            if (line.StartsWith("wchar:", StringComparison.Ordinal))
                return long.Parse(line[6..].Trim(), CultureInfo.InvariantCulture);
        return 0;
    }

    private static long Size(string path) =>
        (File.Exists(path) ? new FileInfo(path).Length : 0) + (File.Exists(path + "-wal") ? new FileInfo(path + "-wal").Length : 0);

    private static void Sql(EventStore store, string sql)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static void Report(string what, List<double> values, string format)
    {
        var sorted = values.Order().ToList();
        var median = sorted[sorted.Count / 2];
        Console.WriteLine(
            $"{what}: median {median.ToString(format, CultureInfo.InvariantCulture)} (runs: {string.Join(", ", values.Select(v => v.ToString(format, CultureInfo.InvariantCulture)))})"
        );
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>A throw-away local mosquitto (Debian package).</summary>
    private sealed class Mosquitto : IAsyncDisposable
    {
        private readonly Process _p;
        private readonly string _dir;

        private Mosquitto(Process p, string dir, int port)
        {
            _p = p;
            _dir = dir;
            Port = port;
        }

        public int Port { get; }

        public static async Task<Mosquitto> StartAsync()
        {
            var dir = Path.Combine(Path.GetTempPath(), "kavach-bench-mq-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(dir);
            int port;
            using (var l = new TcpListener(IPAddress.Loopback, 0))
            {
                l.Start();
                port = ((IPEndPoint)l.LocalEndpoint).Port;
            }
            var conf = Path.Combine(dir, "mosquitto.conf");
            await File.WriteAllTextAsync(
                    conf,
                    $"listener {port} 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location {dir}/\nuser root\nmax_queued_messages 100000\n"
                )
                .ConfigureAwait(false);
            var p = Process.Start(
                new ProcessStartInfo("mosquitto", ["-c", conf]) { RedirectStandardError = true, RedirectStandardOutput = true }
            )!;
            for (var i = 0; ; i++)
            {
                try
                {
                    using var c = new TcpClient();
                    await c.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
                    break;
                }
                catch (SocketException) when (i < 100)
                {
                    await Task.Delay(50).ConfigureAwait(false);
                }
            }
            return new Mosquitto(p, dir, port);
        }

        public async ValueTask DisposeAsync()
        {
            _p.Kill();
            await _p.WaitForExitAsync().ConfigureAwait(false);
            _p.Dispose();
            try
            {
                Directory.Delete(_dir, true);
            }
            catch (IOException) { }
        }
    }
}
