using System.Diagnostics;
using Kavach.Edge.Sensors;
using Kavach.Edge.Tests.Support;
using Kavach.Protocols;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Tests.Sensors;

/// <summary>serial over real pseudo-terminal pairs made by socat (apt package socat; required).</summary>
public class SerialTransportTests
{
    private static string Config(string path) =>
        SensorJson.Config(
            $$"""
            { "Name": "lidar", "Kind": "lidar", "Protocol": "tf-series", "Variant": "tf03",
              "Transport": { "Type": "serial", "Path": "{{path}}", "Baud": 115200 } }
            """
        );

    /// <summary>Writes TF frames to the sensor end until stopped (a sensor at ~200 Hz); tolerates the pty vanishing.</summary>
    private static async Task StreamAsync(SocatPair pair, ushort cm, CancellationToken ct)
    {
        var frame = new byte[TfSeriesEncoder.FrameLength];
        try
        {
            await using var s = pair.OpenSensor();
            var i = 0;
            while (!ct.IsCancellationRequested)
            {
                TfSeriesEncoder.Encode(frame, (ushort)(cm + i++ % 5), 900, 30);
                await s.WriteAsync(frame, ct);
                await s.FlushAsync(ct);
                await Task.Delay(5, ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task Frames_flow_again_after_the_adapter_is_unplugged_and_replugged_without_a_restart()
    {
        using var pair = await SocatPair.StartAsync();
        await using var h = await new InputHarness(Config(pair.DevicePath)).StartAsync();
        await h.WaitForConnectionAsync("lidar", ConnectionState.Connected);
        using (var cts = new CancellationTokenSource())
        {
            var sensor = StreamAsync(pair, 500, cts.Token);
            await h.WaitForReadingsAsync("lidar", 20);
            pair.Unplug();
            await h.WaitForConnectionAsync("lidar", ConnectionState.Disconnected);
            cts.Cancel();
            await sensor;
        }
        var before = h.Count("lidar");

        await pair.ReplugAsync();
        await h.WaitForConnectionAsync("lidar", ConnectionState.Connected);
        using (var cts = new CancellationTokenSource())
        {
            var sensor = StreamAsync(pair, 700, cts.Token);
            await h.WaitForReadingsAsync("lidar", before + 20);
            cts.Cancel();
            await sensor;
        }
        Assert.InRange(h.Readings[^1].DistanceM, 7f, 7.05f);
        Assert.Equal(1, h.Log.Count(LogLevel.Warning, "lost serial"));
        Assert.Equal(2, h.Log.Count(LogLevel.Information, "connected to serial"));
    }

    [Fact]
    public async Task Shutdown_never_hangs_on_a_dead_port()
    {
        using var pair = await SocatPair.StartAsync();
        var h = await new InputHarness(Config(pair.DevicePath)).StartAsync();
        await h.WaitForConnectionAsync("lidar", ConnectionState.Connected);
        using (var cts = new CancellationTokenSource())
        {
            var sensor = StreamAsync(pair, 500, cts.Token);
            await h.WaitForReadingsAsync("lidar", 5);
            pair.Unplug(); // the far end vanishes mid-stream
            cts.Cancel();
            await sensor;
        }
        var watch = Stopwatch.StartNew();
        await h.StopAsync();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"StopAsync took {watch.Elapsed.TotalSeconds:0.0} s");
        await h.DisposeAsync();
    }

    [Fact]
    public async Task Shutdown_is_prompt_with_the_port_open_and_quiet()
    {
        using var pair = await SocatPair.StartAsync();
        var h = await new InputHarness(Config(pair.DevicePath)).StartAsync();
        await h.WaitForConnectionAsync("lidar", ConnectionState.Connected);
        var watch = Stopwatch.StartNew();
        await h.StopAsync();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"StopAsync took {watch.Elapsed.TotalSeconds:0.0} s");
        await h.DisposeAsync();
        Assert.Equal(ConnectionState.Idle, h.Sensor("lidar").Connection);
    }
}
