using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Kavach.Edge.Assessment;
using Kavach.Edge.Configuration;
using Kavach.Edge.Hosting;
using Kavach.Edge.Risk;
using Kavach.Edge.Sensors;
using Kavach.Edge.Storage;
using Kavach.Protocols;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace Kavach.Benchmarks;

/// <summary>
/// `load`: the spine under load. Runs the real daemon host in this process, streams LiDAR JSON lines
/// over loopback TCP from several clients (saturating, or at a fixed total rate), while a radar client
/// toggles an obstacle in and out of the zone so the level changes about twice a second. Reports the
/// sustained decoded readings/s, queue drops, level-change → stored-event latency p50/p99 and the
/// process's peak RSS (daemon and load generator together: an upper bound for the daemon).
/// </summary>
public static class LoadTool
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = Arg(args, "--seconds", 20);
        var clients = Arg(args, "--clients", 4);
        var rate = Arg(args, "--rate", 0); // total lines/s; 0 = as fast as possible
        var dir = Path.Combine(ArgText(args, "--dir") ?? Path.GetTempPath(), "kavach-load-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);

        var keys = new Dictionary<string, string?>
        {
            ["Device:Id"] = "load",
            ["Storage:Path"] = Path.Combine(dir, "load.db"),
            ["Logging:File"] = "",
            ["Logging:Console"] = "false",
            ["Fusion:WindowMs"] = "200",
            ["Model:Enabled"] = "false", // the spine alone: the model may hold a level of its own
            ["Api:Enabled"] = "false",
            ["Risk:ConfirmMs"] = "0",
            ["Risk:HighHoldMs"] = "0",
            ["Risk:MediumHoldMs"] = "0",
            ["Risk:FaultHoldMs"] = "0",
            ["Sensors:0:Name"] = "lidar",
            ["Sensors:0:Kind"] = "lidar",
            ["Sensors:0:FrozenMs"] = "0",
            ["Sensors:0:Transport:Type"] = "tcp-listen",
            ["Sensors:0:Transport:Host"] = "127.0.0.1",
            ["Sensors:0:Transport:Port"] = "0",
            ["Sensors:1:Name"] = "radar",
            ["Sensors:1:Kind"] = "radar",
            ["Sensors:1:FrozenMs"] = "0",
            ["Sensors:1:Transport:Type"] = "tcp-listen",
            ["Sensors:1:Transport:Host"] = "127.0.0.1",
            ["Sensors:1:Transport:Port"] = "0",
        };
        var errors = new List<string>();
        var options = KavachOptions.Bind(new ConfigurationBuilder().AddInMemoryCollection(keys).Build(), errors);
        if (errors.Count > 0)
        {
            Console.Error.WriteLine(string.Join("\n", errors));
            return 2;
        }

        using var logger = new LoggerConfiguration().MinimumLevel.Warning().WriteTo.Console().CreateLogger();
        using var host = DaemonHost.Build(options, logger, TimeProvider.System);
        var latencies = new List<double>();
        var storage = host.Services.GetRequiredService<StorageService>();
        storage.Committed += (s, _) =>
        {
            if (s.Previous is null)
                return;
            lock (latencies)
                latencies.Add(Stopwatch.GetElapsedTime(s.Timestamp).TotalMilliseconds);
        };
        await host.StartAsync();
        var inputs = host.Services.GetRequiredService<SensorInputService>();
        var queue = host.Services.GetRequiredService<ReadingQueue>();
        var lidar = inputs.Sensors[0];

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds + 2));
        var senders = Enumerable.Range(0, clients).Select(i => SendLidarAsync(inputs, i, rate / Math.Max(1, clients), stop.Token)).ToList();
        var toggler = ToggleRadarAsync(inputs, stop.Token);

        await Task.Delay(2000); // warm-up
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var f0 = lidar.Frames;
        var d0 = queue.Dropped;
        lock (latencies)
            latencies.Clear();
        var sw = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var elapsed = sw.Elapsed.TotalSeconds;
        var frames = lidar.Frames - f0;
        var dropped = queue.Dropped - d0;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        await stop.CancelAsync();
        try
        {
            await Task.WhenAll(senders.Append(toggler));
        }
        catch (OperationCanceledException) { }
        await host.StopAsync();

        double[] lat;
        lock (latencies)
            lat = [.. latencies.Order()];
        var hwm = File.ReadAllLines("/proc/self/status")
            .FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            ?.Split(':')[1]
            .Trim()
            ?? "?";
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"clients {clients}, rate {(rate == 0 ? "saturating" : rate + " lines/s")}, {elapsed:0.0} s"));
        Console.WriteLine(
            string.Create(
                inv,
                $"decoded readings/s: {frames / elapsed:0}   queue drops: {dropped} ({(frames + dropped == 0 ? 0 : 100.0 * dropped / (frames + dropped)):0.00} %)   rejects: {lidar.TotalRejects}"
            )
        );
        Console.WriteLine(string.Create(inv, $"CPU: {cpu / elapsed:0.00} cores busy (process, generator included)"));
        Console.WriteLine(
            string.Create(
                inv,
                $"level change → stored event: n={lat.Length} p50 {Pct(lat, 0.5):0.00} ms  p99 {Pct(lat, 0.99):0.00} ms  max {(lat.Length > 0 ? lat[^1] : double.NaN):0.00} ms"
            )
        );
        Console.WriteLine($"peak RSS (VmHWM, process): {hwm}");
        try
        {
            Directory.Delete(dir, true);
        }
        catch (IOException) { }
        return 0;
    }

    private static async Task SendLidarAsync(SensorInputService inputs, int index, int rate, CancellationToken ct)
    {
        using var client = new TcpClient { NoDelay = false };
        await client.ConnectAsync(inputs.BoundEndpoints["lidar"], ct);
        var stream = client.GetStream();
        // a block of 1000 distinct lines (a live sensor jitters), reused
        var sb = new StringBuilder();
        var line = new byte[JsonLineEncoder.MaxLineLength];
        for (var i = 0; i < 1000; i++)
            sb.Append(
                Encoding.ASCII.GetString(line, 0, JsonLineEncoder.WriteLidar(line, 300 + (i % 50) * 0.01f + index, 0.9f, 400 + i % 13))
            );
        var block = Encoding.ASCII.GetBytes(sb.ToString());
        var sw = Stopwatch.StartNew();
        long sent = 0;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await stream.WriteAsync(block, ct);
                sent += 1000;
                if (rate > 0)
                {
                    var ahead = sent / (double)rate - sw.Elapsed.TotalSeconds;
                    if (ahead > 0)
                        await Task.Delay(TimeSpan.FromSeconds(ahead), ct);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException) { }
    }

    private static async Task ToggleRadarAsync(SensorInputService inputs, CancellationToken ct)
    {
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(inputs.BoundEndpoints["radar"], ct);
        var stream = client.GetStream();
        var buf = new byte[JsonLineEncoder.MaxLineLength];
        var t = 0;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var obstacle = (t / 10) % 2 == 1; // 500 ms without, 500 ms with an obstacle at 50 m
                var n = JsonLineEncoder.WriteRadar(
                    buf,
                    obstacle ? 50 + (t % 3) * 0.01f : null,
                    obstacle ? 0.1f : null,
                    20,
                    obstacle ? 1 : 0
                );
                await stream.WriteAsync(buf.AsMemory(0, n), ct);
                t++;
                await Task.Delay(50, ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException) { }
    }

    private static string? ArgText(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static double Pct(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
