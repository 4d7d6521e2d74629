using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Kavach.Edge.Alarm;
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
/// `alarm-e2e`: the last byte of the sensor frame that makes the hazard visible → the buzzer line written.
/// The real daemon host (JSON-lines inputs on loopback TCP, fusion, the real safety floor, risk state,
/// storage, the alarm on the simulated GPIO driver), confirmation and hold times 0, a 100 ms window. A
/// LiDAR streams at 100 Hz and a radar at 20 Hz with no target; then one radar frame reports an obstacle
/// 50 m away (in the zone). Measured from the moment that frame's write returned to the moment the
/// alarm's snapshot shows the buzzer on, polled in a spin loop; then the obstacle goes, the level falls
/// back to LOW, and again.
/// </summary>
public static class AlarmEndToEnd
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = args.Length > 1 && args[0] == "--rounds" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
        var dir = Path.Combine(Path.GetTempPath(), "kavach-alarm-e2e-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        var keys = new Dictionary<string, string?>
        {
            ["Device:Id"] = "e2e",
            ["Storage:Path"] = Path.Combine(dir, "e2e.db"),
            ["Logging:File"] = "",
            ["Logging:Console"] = "false",
            ["Model:Enabled"] = "false",
            ["Api:Enabled"] = "false",
            ["Fusion:WindowMs"] = "100",
            ["Risk:ConfirmMs"] = "0",
            ["Risk:HighHoldMs"] = "0",
            ["Risk:MediumHoldMs"] = "0",
            ["Risk:FaultHoldMs"] = "0",
            ["Risk:MinRadarPresence"] = "0.05",
            ["Risk:StartupGraceMs"] = "0",
            ["Alarm:Driver"] = "simulated",
            ["Alarm:MinOnMs"] = "0",
            ["Alarm:LampTestMs"] = "0",
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
        await host.StartAsync();
        var inputs = host.Services.GetRequiredService<SensorInputService>();
        var outputs = host.Services.GetRequiredService<AlarmOutputs>();

        using var lidar = new TcpClient { NoDelay = true };
        await lidar.ConnectAsync(inputs.BoundEndpoints["lidar"]);
        using var radar = new TcpClient { NoDelay = true };
        await radar.ConnectAsync(inputs.BoundEndpoints["radar"]);
        var radarStream = radar.GetStream();
        var obstacle = 0; // 1 while the radar reports the obstacle
        var radarLock = new SemaphoreSlim(1, 1);
        using var stop = new CancellationTokenSource();
        var lidarTask = Task.Run(async () =>
        {
            var buf = new byte[JsonLineEncoder.MaxLineLength];
            var s = lidar.GetStream();
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var n = JsonLineEncoder.WriteLidar(buf, 300 + (i % 7) * 0.01f, 0.9f, 400 + i % 5);
                await s.WriteAsync(buf.AsMemory(0, n));
                await Task.Delay(10);
            }
        });
        var radarTask = Task.Run(async () =>
        {
            var buf = new byte[JsonLineEncoder.MaxLineLength];
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await radarLock.WaitAsync();
                try
                {
                    var n =
                        Volatile.Read(ref obstacle) == 1
                            ? JsonLineEncoder.WriteRadar(buf, 50 + (i % 3) * 0.01f, 0.1f, 25, 1)
                            : JsonLineEncoder.WriteRadar(buf, null, null, null, 0);
                    await radarStream.WriteAsync(buf.AsMemory(0, n));
                }
                finally
                {
                    radarLock.Release();
                }
                await Task.Delay(50);
            }
        });

        await WaitFor(() => outputs.Snapshot.Pattern == "low", TimeSpan.FromSeconds(20));
        var ms = new List<double>();
        var frame = new byte[JsonLineEncoder.MaxLineLength];
        for (var round = 0; round < rounds; round++)
        {
            await Task.Delay(Random.Shared.Next(150, 400)); // land anywhere in the tick period
            await radarLock.WaitAsync();
            long sent;
            try
            {
                var n = JsonLineEncoder.WriteRadar(frame, 50, 0.1f, 25, 1);
                await radarStream.WriteAsync(frame.AsMemory(0, n));
                sent = Stopwatch.GetTimestamp();
                Volatile.Write(ref obstacle, 1);
            }
            finally
            {
                radarLock.Release();
            }
            var sw = Stopwatch.StartNew();
            while (!(outputs.Snapshot.Buzzer && outputs.Snapshot.Pattern == "high"))
            {
                if (sw.Elapsed > TimeSpan.FromSeconds(5))
                {
                    Console.Error.WriteLine("no HIGH within 5 s");
                    return 1;
                }
                Thread.SpinWait(50);
            }
            ms.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            Volatile.Write(ref obstacle, 0);
            await WaitFor(() => outputs.Snapshot.Pattern == "low", TimeSpan.FromSeconds(5));
        }
        await stop.CancelAsync();
        try
        {
            await Task.WhenAll(lidarTask, radarTask);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException) { }
        await host.StopAsync();
        var sorted = ms.Order().ToArray();
        double P(double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"frame last byte → buzzer on: n={sorted.Length} p50 {P(0.5):0.0} ms  p90 {P(0.9):0.0} ms  p99 {P(0.99):0.0} ms  max {sorted[^1]:0.0} ms (tick {options.Fusion.TickMs} ms)"
            )
        );
        try
        {
            Directory.Delete(dir, true);
        }
        catch (IOException) { }
        return 0;
    }

    private static async Task WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > timeout)
                throw new TimeoutException("condition not met");
            await Task.Delay(1);
        }
    }
}
