using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Kavach.Edge.Configuration;
using Kavach.Edge.Hosting;
using Kavach.Edge.Sensors;
using Kavach.Protocols;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace Kavach.Benchmarks;

/// <summary>
/// The <c>inputs</c> load mode (docs/benchmarks/inputs.md): the whole daemon host (<see cref="DaemonHost.Build"/>: inputs,
/// queue, fusion, safety floor, risk, storage) with 4 tf-series sensors on tcp-listen; a child process
/// (<c>inputs-send</c>) plays the 4 sensors, each sending paced TF frames over its own TCP connection. The daemon
/// process's CPU time over wall time is measured while the load runs, so the senders' CPU is not counted.
/// <c>inputs [--rate FRAMES_PER_S] [--seconds S] [--runs N] [--chunk FRAMES_PER_SEND]</c>.
/// </summary>
public static class InputsLoad
{
    private const int Sensors = 4;

    public static async Task<int> RunAsync(string[] args)
    {
        var rate = Arg(args, "--rate", 50_000);
        var seconds = Arg(args, "--seconds", 10);
        var runs = Arg(args, "--runs", 5);
        var chunk = Arg(args, "--chunk", 1000);
        var results = new List<(double Fps, double Cpu, long Dropped, long Rejects)>();
        Console.WriteLine(
            $"inputs: {Sensors} tf-series sensors over loopback TCP, {rate:N0} frames/s offered in all, at most {chunk} frames per send, {runs} runs of {seconds} s"
        );
        for (var run = 1; run <= runs; run++)
        {
            var r = await OneRunAsync(rate, seconds, chunk);
            results.Add(r);
            Console.WriteLine(
                $"run {run}: {r.Fps, 10:N0} frames/s decoded, CPU {r.Cpu * 100, 5:0.0} % of one core, dropped {r.Dropped}, rejects {r.Rejects}"
            );
        }
        static double Median(IEnumerable<double> v)
        {
            var a = v.Order().ToArray();
            return a.Length % 2 == 1 ? a[a.Length / 2] : (a[a.Length / 2 - 1] + a[a.Length / 2]) / 2;
        }
        Console.WriteLine(
            $"median: {Median(results.Select(r => r.Fps)):N0} frames/s, CPU {Median(results.Select(r => r.Cpu)) * 100:0.0} % of one core, dropped {results.Sum(r => r.Dropped)} in all"
        );
        return 0;
    }

    private static async Task<(double Fps, double Cpu, long Dropped, long Rejects)> OneRunAsync(int rate, int seconds, int chunk)
    {
        using var dir = new TempFolder();
        var sensors = string.Join(
            ",",
            Enumerable
                .Range(0, Sensors)
                .Select(i =>
                    $$"""{ "Name": "lidar{{i}}", "Kind": "lidar", "Protocol": "tf-series", "Variant": "tf03", "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 } }"""
                )
        );
        var json = $$"""
            { "Device": { "Id": "bench" }, "Sensors": [ {{sensors}} ],
              "Storage": { "Path": "{{Path.Combine(dir.Path, "kavach.db")}}" }, "Logging": { "File": "", "Console": false } }
            """;
        var errors = new List<string>();
        var options = KavachOptions.Bind(
            new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build(),
            errors
        );
        if (errors.Count > 0)
            throw new InvalidOperationException(string.Join("\n", errors));

        using var logger = new LoggerConfiguration().CreateLogger();
        using var host = DaemonHost.Build(options, logger, TimeProvider.System);
        await host.StartAsync();
        var input = host.Services.GetRequiredService<SensorInputService>();
        var queue = host.Services.GetRequiredService<ReadingQueue>();
        var ports = string.Join(",", input.Sensors.Select(s => input.BoundEndpoints[s.Name].Port));

        // warm-up 2 s, then the measured window, then the sender stops by itself
        // the same program as the sender: through dotnet (dotnet run / dotnet x.dll) or its apphost
        var psi = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
            psi.ArgumentList.Add(typeof(InputsLoad).Assembly.Location);
        foreach (var a in (string[])["inputs-send", ports, rate.ToString(), (seconds + 3).ToString(), chunk.ToString()])
            psi.ArgumentList.Add(a);
        using var sender = Process.Start(psi) ?? throw new InvalidOperationException("cannot start the sender");
        await Task.Delay(TimeSpan.FromSeconds(2));

        var self = Process.GetCurrentProcess();
        long Frames() => input.Sensors.Sum(s => s.Frames);
        self.Refresh();
        var cpu0 = self.TotalProcessorTime;
        var frames0 = Frames();
        var wall = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        self.Refresh();
        var cpu = (self.TotalProcessorTime - cpu0).TotalSeconds / wall.Elapsed.TotalSeconds;
        var fps = (Frames() - frames0) / wall.Elapsed.TotalSeconds;

        await sender.WaitForExitAsync();
        var dropped = queue.Dropped;
        var rejects = input.Sensors.Sum(s => s.TotalRejects);
        await host.StopAsync();
        return (fps, cpu, dropped, rejects);
    }

    /// <summary>The sender child: one TCP connection per port, each paced to rate/ports frames per second.</summary>
    public static async Task<int> SendAsync(string[] args)
    {
        var ports = args[1].Split(',').Select(int.Parse).ToArray();
        var perSensor = int.Parse(args[2]) / (double)ports.Length;
        var stopAt = Stopwatch.GetTimestamp() + long.Parse(args[3]) * Stopwatch.Frequency;
        var chunk = int.Parse(args[4]);
        await Task.WhenAll(
            ports.Select(
                (port, i) =>
                    Task.Run(async () =>
                    {
                        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                        s.NoDelay = true; // each send is its own segment: --chunk sets how the bytes arrive
                        await s.ConnectAsync(IPAddress.Loopback, port);
                        // a batch of frames with varying distance (a live LiDAR jitters)
                        var batch = new byte[1000 * TfSeriesEncoder.FrameLength];
                        for (var f = 0; f < 1000; f++)
                            TfSeriesEncoder.Encode(batch.AsSpan(f * 9), (ushort)(4000 + (f * 7 + i) % 50), (ushort)(800 + f % 13), 30);
                        var start = Stopwatch.GetTimestamp();
                        long sent = 0;
                        while (Stopwatch.GetTimestamp() < stopAt)
                        {
                            var due = (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * perSensor) - sent;
                            if (due <= 0)
                            {
                                await Task.Delay(5);
                                continue;
                            }
                            var n = (int)Math.Min(due, chunk);
                            await s.SendAsync(batch.AsMemory(0, n * 9), SocketFlags.None);
                            sent += n;
                        }
                    })
            )
        );
        return 0;
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("kavach-bench-").FullName;

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, true);
            }
            catch (IOException) { }
        }
    }
}
