using System.Diagnostics;
using System.Globalization;
using Kavach.Edge.Api;
using Kavach.Edge.Configuration;
using Kavach.Edge.Hosting;
using Kavach.Edge.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serilog;

namespace Kavach.Benchmarks;

/// <summary>
/// `trends [--days 30] [--runs 100] [--db PATH] [--seconds]`: GET /api/trends over the last 24 h on a database holding <c>--days</c> of
/// per-second summaries of the demo configuration's three sensors (lidar, radar, camera: 259 200 rows a day), written by one
/// bulk insert (a prepared statement in one transaction, no journal; WAL set afterwards as the daemon leaves it) and a level
/// change every 10 minutes, then rolled up into <c>summaries_minute</c> by the daemon's own backfill (<see cref="EventStore.Rollup"/>).
/// Times (1) <see cref="TrendReader.Read"/> alone and (2) the request through the real daemon's API on loopback (query, JSON,
/// HTTP); with <c>--seconds</c> also (3) the reader on the per-second rows alone (the path before v6). Prints the median, p95
/// and max of each, and the process's CPU time a call. <c>--db</c> keeps the database for another run.
/// </summary>
public static class TrendsBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var days = Arg(args, "--days", 30);
        var runs = Arg(args, "--runs", 100);
        var keep = ArgText(args, "--db");
        var dir = Path.Combine(Path.GetTempPath(), "kavach-trendsbench-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        var db = keep ?? Path.Combine(dir, "trends.db");
        try
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            if (!File.Exists(db))
                Generate(db, now, days);
            Console.WriteLine(
                $"database {db}: {new FileInfo(db).Length / 1e6:0} MB, {days} days x 3 sensors ({Environment.ProcessorCount} cores)"
            );
            Time(new TrendReader(db), "TrendReader.Read", now, runs);
            if (args.Contains("--seconds"))
                Time(new TrendReader(db, minuteRollup: false), "TrendReader.Read from the per-second rows only", now, Math.Min(runs, 20));
            await HttpAsync(dir, db, now, runs).ConfigureAwait(false);
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException) { }
        }
    }

    private static void Time(TrendReader reader, string what, long now, int runs)
    {
        var ms = new List<double>();
        TrendPage? page = null;
        var cpu = TimeSpan.Zero;
        for (var i = 0; i < runs + 5; i++)
        {
            if (i == 5)
                cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var q = TrendsQuery.Parse(
                [new("from", (now - 86_400).ToString(CultureInfo.InvariantCulture)), new("to", now.ToString(CultureInfo.InvariantCulture))],
                DateTimeOffset.UtcNow,
                out _
            )!;
            var t = Stopwatch.GetTimestamp();
            page = reader.Read(q);
            if (i >= 5)
                ms.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        Report($"{what}, 24 h ({page!.T.Length} points of {page.Step} s, {page.Sensors.Count} sensors)", ms, Cpu(cpu, runs));
    }

    private static async Task HttpAsync(string dir, string db, long now, int runs)
    {
        var keys = new Dictionary<string, string?>
        {
            ["Device:Id"] = "trendsbench",
            ["Storage:Path"] = db,
            ["Logging:File"] = "",
            ["Logging:Console"] = "false",
            ["Api:Urls"] = "http://127.0.0.1:0",
        };
        string[] kinds = ["lidar", "radar", "camera"];
        for (var i = 0; i < kinds.Length; i++)
        {
            keys[$"Sensors:{i}:Name"] = kinds[i];
            keys[$"Sensors:{i}:Kind"] = kinds[i];
            keys[$"Sensors:{i}:Transport:Type"] = "tcp-listen";
            keys[$"Sensors:{i}:Transport:Host"] = "127.0.0.1";
            keys[$"Sensors:{i}:Transport:Port"] = "0";
        }
        var errors = new List<string>();
        var options = KavachOptions.Bind(new ConfigurationBuilder().AddInMemoryCollection(keys).Build(), errors);
        if (errors.Count > 0)
            throw new InvalidOperationException(string.Join("\n", errors));
        using var logger = new LoggerConfiguration().MinimumLevel.Warning().WriteTo.Console().CreateLogger();
        using var host = DaemonHost.Build(options, logger, TimeProvider.System);
        await host.StartAsync().ConfigureAwait(false);
        try
        {
            var api = host.Services.GetRequiredService<ApiServer>();
            using var c = new HttpClient { BaseAddress = new Uri(api.Urls[0]) };
            var path = $"/api/trends?from={now - 86_400}&to={now}";
            var ms = new List<double>();
            long bytes = 0;
            var cpu = TimeSpan.Zero;
            for (var i = 0; i < runs + 5; i++)
            {
                if (i == 5)
                    cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var t = Stopwatch.GetTimestamp();
                var body = await c.GetByteArrayAsync(path).ConfigureAwait(false);
                if (i >= 5)
                    ms.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                bytes = body.Length;
            }
            Report($"GET {path[..11]} over 24 h through the daemon's API ({bytes / 1024.0:0} KB of JSON)", ms, Cpu(cpu, runs));
        }
        finally
        {
            await host.StopAsync().ConfigureAwait(false);
        }
    }

    // 3 rows a second for `days` days up to `now`, in time order as the daemon appends them.
    private static void Generate(string path, long now, int days)
    {
        var sw = Stopwatch.StartNew();
        using (var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            db.Open();
            Sql.Exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;");
            Schema.Migrate(db);
            using var tx = db.BeginTransaction();
            Sql.Exec(
                db,
                "INSERT INTO sensor_names (id, name, kind) VALUES (1,'lidar','lidar'),(2,'radar','radar'),(3,'camera','camera');",
                tx
            );
            using var cmd = db.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO summaries (ts_s, sensor, frames, no_return_pm, min_cm, median_cm, strength, snr_cdb, speed_cmps, visibility_m, state)
                VALUES ($ts, $sensor, $frames, $nr, $min, $med, $str, $snr, $speed, $vis, 1);
                """;
            var p = new SqliteParameter[10];
            string[] names = ["$ts", "$sensor", "$frames", "$nr", "$min", "$med", "$str", "$snr", "$speed", "$vis"];
            for (var i = 0; i < p.Length; i++)
                p[i] = cmd.Parameters.Add(names[i], SqliteType.Integer);
            cmd.Prepare();
            using var ev = db.CreateCommand();
            ev.Transaction = tx;
            ev.CommandText = """
                INSERT INTO events (ts_utc, mono_ms, level, reasons, faults, raised_by, software, config_hash)
                VALUES ($ts, 0, $level, '[]', '[]', 'floor', 'bench', 'bench');
                """;
            var evTs = ev.Parameters.Add("$ts", SqliteType.Text);
            var evLevel = ev.Parameters.Add("$level", SqliteType.Text);
            ev.Prepare();
            var start = now - days * 86_400L;
            for (var ts = start; ts < now; ts++)
            {
                var s = ts - start;
                var fog = (int)(Math.Abs(Math.Sin(s / 20_000.0)) * 2000) + 20;
                Insert(p, cmd, ts, 1, 100, (int)(s % 300), 8000 + (int)(s % 2000), 8050, 400 + (int)(s % 200), null, null, null);
                Insert(
                    p,
                    cmd,
                    ts,
                    2,
                    20,
                    (int)(s % 50),
                    null,
                    6000 + (int)(s % 3000),
                    null,
                    1800 + (int)(s % 400),
                    (int)(s % 7) * 100,
                    null
                );
                Insert(p, cmd, ts, 3, 1, null, null, null, null, null, null, fog);
                if (s % 600 == 0)
                {
                    evTs.Value = DateTimeOffset.FromUnixTimeSeconds(ts).UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
                    evLevel.Value = (s / 600 % 4) switch
                    {
                        0 => "LOW",
                        1 => "MEDIUM",
                        2 => "LOW",
                        _ => "HIGH",
                    };
                    ev.ExecuteNonQuery();
                }
            }
            tx.Commit();
        }
        using (var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            db.Open();
            Sql.Exec(db, "PRAGMA journal_mode=WAL;");
        }
        Console.WriteLine($"generated {days} days x 3 sensors ({days * 86_400L * 3:N0} rows) in {sw.Elapsed.TotalSeconds:0} s");

        // the minute rollup as the daemon fills it after start on a database from before v6: its backfill, an hour per step
        sw.Restart();
        var steps = 1;
        using (var store = EventStore.Open(path, TimeProvider.System))
        {
            store.RollupDays = Math.Max(days, 90);
            while (store.Rollup())
                steps++;
        }
        Console.WriteLine($"rolled up into summaries_minute by the daemon's backfill: {steps} steps in {sw.Elapsed.TotalSeconds:0.0} s");
    }

    private static void Insert(SqliteParameter[] p, SqliteCommand cmd, long ts, int sensor, int frames, params int?[] rest)
    {
        p[0].Value = ts;
        p[1].Value = sensor;
        p[2].Value = frames;
        for (var i = 0; i < rest.Length; i++)
            p[3 + i].Value = rest[i] is { } v ? v : DBNull.Value;
        cmd.ExecuteNonQuery();
    }

    // The process's CPU time per call since `since` (all threads: in the HTTP case the daemon's own ticks too): the work
    // itself, which the wall-clock figures show plus any wait for a core on a loaded machine.
    private static double Cpu(TimeSpan since, int runs) =>
        (Process.GetCurrentProcess().TotalProcessorTime - since).TotalMilliseconds / runs;

    private static void Report(string what, List<double> ms, double cpuMs)
    {
        ms.Sort();
        double At(double q) => ms[Math.Min(ms.Count - 1, (int)Math.Ceiling(q * ms.Count) - 1)];
        Console.WriteLine(
            $"{what}: n {ms.Count}, median {At(0.5):0.0} ms, p95 {At(0.95):0.0} ms, max {ms[^1]:0.0} ms; CPU {cpuMs:0.0} ms a call"
        );
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string? ArgText(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
