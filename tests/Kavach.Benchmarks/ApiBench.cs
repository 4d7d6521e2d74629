using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using Kavach.Edge.Api;
using Kavach.Edge.Configuration;
using Kavach.Edge.Hosting;
using Kavach.Edge.Risk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace Kavach.Benchmarks;

/// <summary>
/// `api`: the local API. (1) level change → WebSocket message latency with N clients on /ws/alerts
/// (the change is published on the broadcaster as the pipeline does; every client timestamps receipt);
/// (2) GET /api/status requests/s with a few concurrent HttpClient workers; (3) the RSS the API adds:
/// the real daemon executable run twice, Api.Enabled true (with a page-like client: a WebSocket and a
/// status poll) and false.
/// </summary>
public static class ApiBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var clients = Arg(args, "--clients", 20);
        var changes = Arg(args, "--changes", 200);
        var workers = Arg(args, "--workers", 4);
        var seconds = Arg(args, "--seconds", 10);
        var exe = ArgText(args, "--exe"); // the daemon for the RSS part (default: kavach-edge.dll beside this tool, run with dotnet)
        var dir = Path.Combine(Path.GetTempPath(), "kavach-apibench-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        try
        {
            await LatencyAndThroughputAsync(dir, clients, changes, workers, seconds);
            await MemoryAsync(dir, exe);
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

    private static Dictionary<string, string?> Keys(string dir, bool api) =>
        new()
        {
            ["Device:Id"] = "apibench",
            ["Storage:Path"] = Path.Combine(dir, api ? "api.db" : "noapi.db"),
            ["Logging:File"] = "",
            ["Logging:Console"] = "false",
            ["Api:Urls"] = "http://127.0.0.1:0",
            ["Api:Enabled"] = api ? "true" : "false",
            ["Sensors:0:Name"] = "lidar",
            ["Sensors:0:Kind"] = "lidar",
            ["Sensors:0:Transport:Type"] = "tcp-listen",
            ["Sensors:0:Transport:Host"] = "127.0.0.1",
            ["Sensors:0:Transport:Port"] = "0",
            ["Sensors:1:Name"] = "radar",
            ["Sensors:1:Kind"] = "radar",
            ["Sensors:1:Transport:Type"] = "tcp-listen",
            ["Sensors:1:Transport:Host"] = "127.0.0.1",
            ["Sensors:1:Transport:Port"] = "0",
        };

    private static async Task LatencyAndThroughputAsync(string dir, int clientCount, int changes, int workers, int seconds)
    {
        var errors = new List<string>();
        var options = KavachOptions.Bind(new ConfigurationBuilder().AddInMemoryCollection(Keys(dir, true)).Build(), errors);
        if (errors.Count > 0)
            throw new InvalidOperationException(string.Join("\n", errors));
        using var logger = new LoggerConfiguration().MinimumLevel.Warning().WriteTo.Console().CreateLogger();
        using var host = DaemonHost.Build(options, logger, TimeProvider.System);
        await host.StartAsync();
        var api = host.Services.GetRequiredService<ApiServer>();
        var broadcaster = host.Services.GetRequiredService<RiskBroadcaster>();
        var baseUrl = api.Urls[0];
        Console.WriteLine(
            $"daemon in-process, API at {baseUrl}; no sensor connected, so the pipeline stays FAULT (starting) and publishes nothing itself"
        );

        // (1) latency: N clients, `changes` level changes 20 ms apart.
        var received = new ConcurrentDictionary<(int Client, long Change), long>();
        var sockets = new List<ClientWebSocket>();
        using var stop = new CancellationTokenSource();
        var loops = new List<Task>();
        for (var i = 0; i < clientCount; i++)
        {
            var ws = new ClientWebSocket();
            await ws.ConnectAsync(
                new Uri(baseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/ws/alerts"),
                CancellationToken.None
            );
            sockets.Add(ws);
            var client = i;
            loops.Add(
                Task.Run(async () =>
                {
                    var buffer = new byte[1 << 16];
                    try
                    {
                        while (!stop.IsCancellationRequested)
                        {
                            var r = await ws.ReceiveAsync(buffer, stop.Token);
                            var now = Stopwatch.GetTimestamp();
                            if (r.MessageType != WebSocketMessageType.Text || !r.EndOfMessage)
                                continue;
                            using var doc = JsonDocument.Parse(buffer.AsMemory(0, r.Count));
                            if (doc.RootElement.GetProperty("type").GetString() == "level")
                                received[(client, doc.RootElement.GetProperty("change").GetInt64())] = now;
                        }
                    }
                    catch (OperationCanceledException) { }
                    catch (WebSocketException) { }
                })
            );
        }
        await Task.Delay(1500); // every client connected and past its first status
        var latest = broadcaster.Latest!;
        var sent = new Dictionary<long, long>();
        for (var i = 0; i < changes; i++)
        {
            var change = 100_000 + i;
            var state = latest with { Change = change, Reasons = [$"bench {i}"] };
            sent[change] = Stopwatch.GetTimestamp();
            broadcaster.Publish(state);
            await Task.Delay(20);
        }
        await Task.Delay(1000);
        var ms = new List<double>();
        var missing = 0;
        foreach (var (change, at) in sent)
            for (var c = 0; c < clientCount; c++)
                if (received.TryGetValue((c, change), out var got))
                    ms.Add(Stopwatch.GetElapsedTime(at, got).TotalMilliseconds);
                else
                    missing++;
        ms.Sort();
        var hub = host.Services.GetRequiredService<AlertHub>();
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"level change → WebSocket message, {clientCount} clients, {changes} changes 20 ms apart: p50 {Pct(ms, 0.5):0.00} ms, p99 {Pct(ms, 0.99):0.00} ms, max {ms[^1]:0.00} ms; {ms.Count} received, {missing} missing, {hub.Dropped} client(s) dropped"
            )
        );

        // (2) /api/status throughput with the clients still connected (they get the 1 Hz status too).
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = workers }) { BaseAddress = new Uri(baseUrl) };
        for (var i = 0; i < 200; i++)
            (await http.GetAsync("/api/status")).Dispose(); // warm up
        long count = 0;
        var lat = new ConcurrentBag<double>();
        var until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(
            Enumerable
                .Range(0, workers)
                .Select(_ =>
                    Task.Run(async () =>
                    {
                        while (Stopwatch.GetTimestamp() < until)
                        {
                            var t0 = Stopwatch.GetTimestamp();
                            using var r = await http.GetAsync("/api/status");
                            await r.Content.ReadAsByteArrayAsync();
                            if (!r.IsSuccessStatusCode)
                                throw new InvalidOperationException($"status {r.StatusCode}");
                            lat.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                            Interlocked.Increment(ref count);
                        }
                    })
                )
        );
        var elapsed = sw.Elapsed.TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds / elapsed;
        var l = lat.ToList();
        l.Sort();
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"GET /api/status, {workers} workers, {elapsed:0} s: {count / elapsed:0} requests/s, p50 {Pct(l, 0.5):0.00} ms, p99 {Pct(l, 0.99):0.00} ms, CPU {cpu:0.00} cores (client and server in one process)"
            )
        );

        stop.Cancel();
        foreach (var s in sockets)
            s.Abort();
        await Task.WhenAll(loops);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await host.StopAsync(cts.Token);
    }

    private static async Task MemoryAsync(string dir, string? exe)
    {
        var rss = new Dictionary<bool, long>();
        foreach (var api in new[] { false, true })
        {
            var config = Path.Combine(dir, $"kavach-{(api ? "api" : "noapi")}.json");
            var keys = Keys(dir, api);
            await File.WriteAllTextAsync(config, ToJson(keys));
            var psi = exe is null
                ? new ProcessStartInfo("dotnet") { ArgumentList = { Path.Combine(AppContext.BaseDirectory, "kavach-edge.dll") } }
                : new ProcessStartInfo(exe);
            psi.ArgumentList.Add("run");
            psi.ArgumentList.Add("--config");
            psi.ArgumentList.Add(config);
            psi.RedirectStandardOutput = psi.RedirectStandardError = true;
            psi.Environment.Remove("INVOCATION_ID");
            using var p = Process.Start(psi)!;
            _ = p.StandardOutput.ReadToEndAsync();
            _ = p.StandardError.ReadToEndAsync();
            await Task.Delay(3000);
            if (api)
            {
                // a page-like client: the WebSocket, and a status poll every so often
                var port = FindApiPort(p.Id);
                using var ws = new ClientWebSocket();
                await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/ws/alerts"), CancellationToken.None);
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
                for (var i = 0; i < 200; i++)
                    (await http.GetAsync("/api/status")).Dispose();
                (await http.GetAsync("/metrics")).Dispose();
                (await http.GetAsync("/api/events")).Dispose();
                (await http.GetAsync("/")).Dispose();
                await Task.Delay(3000);
                rss[api] = VmRss(p.Id);
                ws.Abort();
            }
            else
            {
                await Task.Delay(3000);
                rss[api] = VmRss(p.Id);
            }
            p.Kill();
            await p.WaitForExitAsync();
        }
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"daemon RSS ({exe ?? "dotnet kavach-edge.dll"}): without the API {rss[false] / 1024.0:0.0} MiB, with it (one WebSocket, after 200 status requests) {rss[true] / 1024.0:0.0} MiB: +{(rss[true] - rss[false]) / 1024.0:0.0} MiB"
            )
        );
    }

    /// <summary>The daemon's API port: its listening TCP sockets minus the sensors' (read from /proc/net/tcp by inode).</summary>
    private static int FindApiPort(int pid)
    {
        var inodes = Directory
            .GetFiles($"/proc/{pid}/fd")
            .Select(f =>
            {
                try
                {
                    return new FileInfo(f).LinkTarget;
                }
                catch (IOException)
                {
                    return null;
                }
            })
            .Where(t => t?.StartsWith("socket:[", StringComparison.Ordinal) == true)
            .Select(t => t![8..^1])
            .ToHashSet();
        var ports = File.ReadAllLines("/proc/net/tcp")
            .Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f[3] == "0A" && inodes.Contains(f[9]))
            .Select(f => Convert.ToInt32(f[1].Split(':')[1], 16))
            .ToList();
        foreach (var port in ports)
        {
            try
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
                if (http.GetAsync($"http://127.0.0.1:{port}/api/ping").GetAwaiter().GetResult().IsSuccessStatusCode)
                    return port;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
        }
        throw new InvalidOperationException("the daemon's API port was not found");
    }

    private static long VmRss(int pid) =>
        long.Parse(
            File.ReadAllLines($"/proc/{pid}/status")
                .First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
            CultureInfo.InvariantCulture
        );

    private static string ToJson(Dictionary<string, string?> keys)
    {
        // Flat "A:B:0:C" keys into nested JSON (arrays by index), enough for this tool's keys.
        var root = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var (key, value) in keys)
        {
            var parts = key.Split(':');
            var node = root;
            for (var i = 0; i < parts.Length - 1; i++)
            {
                if (!node.TryGetValue(parts[i], out var next))
                    node[parts[i]] = next = new SortedDictionary<string, object>(StringComparer.Ordinal);
                node = (SortedDictionary<string, object>)next;
            }
            node[parts[^1]] = value ?? "";
        }
        return Write(root);

        static string Write(object o) =>
            o switch
            {
                SortedDictionary<string, object> d when d.Keys.All(k => int.TryParse(k, out _)) => "["
                    + string.Join(",", d.OrderBy(kv => int.Parse(kv.Key, CultureInfo.InvariantCulture)).Select(kv => Write(kv.Value)))
                    + "]",
                SortedDictionary<string, object> d => "{"
                    + string.Join(",", d.Select(kv => JsonSerializer.Serialize(kv.Key) + ":" + Write(kv.Value)))
                    + "}",
                _ => JsonSerializer.Serialize((string)o),
            };
    }

    private static double Pct(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

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
