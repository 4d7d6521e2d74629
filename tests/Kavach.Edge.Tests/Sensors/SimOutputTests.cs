using System.Globalization;
using Kavach.Edge.Tests.Support;
using Kavach.Protocols;

namespace Kavach.Edge.Tests.Sensors;

/// <summary>
/// The real <c>kavach-sim</c> executable's serial and MQTT outputs against real parts: a socat pseudo-terminal pair
/// (apt package socat) and a mosquitto broker on a free loopback port (apt package mosquitto); both required.
/// The built-in <c>clear</c> scenario (30 s: LiDAR TF03 at 100 Hz, radar TI mmWave at 20 Hz, camera JSON lines at
/// 1 Hz, no faults) is played fast, and what arrives is decoded with the daemon's decoders: every frame, intact.
/// </summary>
public class SimOutputTests
{
    private const int LidarFrames = 3000,
        RadarPackets = 600,
        CameraLines = 30; // clear: 30 s × 100 / 20 / 1 Hz
    private static readonly TimeSpan SimTimeout = TimeSpan.FromSeconds(60);

    // ---------------------------------------------------------------- serial (pty)

    [Theory]
    [InlineData("serial://{0}?baud=115200")]
    [InlineData("{0}")] // a bare device path, TF series' default 115200 baud
    public async Task Run_to_a_pty_delivers_every_tf_frame_intact_on_the_other_end(string outputFormat)
    {
        var decoder = new TfSeriesDecoder(TfVariant.Tf03);
        var frames = new List<TfFrame>();
        var pair = await SocatPair.StartAsync();
        Task? reading = null;
        try
        {
            reading = ReadDevice(pair.DevicePath, chunk =>
            {
                lock (frames)
                {
                    ReadOnlySpan<byte> input = chunk;
                    while (decoder.TryRead(ref input, out var f))
                        frames.Add(f);
                }
            });
            var output = string.Format(CultureInfo.InvariantCulture, outputFormat, pair.SensorPath);
            using var sim = SimProcess.Start("run", "clear", "--speed", "100", "--quiet", "--sensor", $"lidar={output}");
            var code = await sim.WaitForExitAsync(SimTimeout);
            Assert.True(code == 0, $"kavach-sim exited with {code}\n{sim.Output}");
            Assert.Contains(
                $"lidar: {LidarFrames} frames, {LidarFrames * TfSeriesDecoder.FrameLength} bytes, 0 skipped, 0 output failures",
                sim.Stdout
            );

            await Wait.UntilAsync(
                () =>
                {
                    lock (frames)
                        return frames.Count >= LidarFrames;
                },
                () =>
                {
                    lock (frames)
                        return $"{LidarFrames} TF frames on {pair.DevicePath} (got {frames.Count}, {decoder.Counters.TotalRejects} rejects)\n{sim.Output}";
                },
                TimeSpan.FromSeconds(20)
            );
        }
        finally
        {
            pair.Dispose(); // kills socat: the device end hangs up and the reader stops
            if (reading is not null)
                await Wait.ForAsync(
                    reading.ContinueWith(_ => true, TaskScheduler.Default),
                    TimeSpan.FromSeconds(10),
                    "the pty reader to stop"
                );
        }

        lock (frames)
        {
            Assert.Equal(LidarFrames, frames.Count);
            Assert.Equal(0, decoder.Counters.TotalRejects);
            Assert.Equal(0, decoder.PendingBytes);
            Assert.All(frames, f => Assert.Equal(95f, f.DistanceM, 0.5f)); // the background target, clear air
        }
        await reading; // an unexpected reader failure (not the hang-up) fails the test
    }

    [Fact]
    public async Task Run_to_a_pty_at_the_ti_default_baud_delivers_every_mmwave_packet_in_order()
    {
        var decoder = new TiMmwaveDecoder();
        var frames = new List<MmwaveFrame>();
        var pair = await SocatPair.StartAsync();
        Task? reading = null;
        try
        {
            reading = ReadDevice(pair.DevicePath, chunk =>
            {
                lock (frames)
                {
                    ReadOnlySpan<byte> input = chunk;
                    while (decoder.TryRead(ref input, out var f))
                        frames.Add(f);
                }
            });
            using var sim = SimProcess.Start("run", "clear", "--speed", "100", "--quiet", "--sensor", $"radar={pair.SensorPath}"); // 921600 baud
            var code = await sim.WaitForExitAsync(SimTimeout);
            Assert.True(code == 0, $"kavach-sim exited with {code}\n{sim.Output}");
            Assert.Contains($"radar: {RadarPackets} frames,", sim.Stdout);
            Assert.Contains("0 skipped, 0 output failures", sim.Stdout);

            await Wait.UntilAsync(
                () =>
                {
                    lock (frames)
                        return frames.Count >= RadarPackets;
                },
                () =>
                {
                    lock (frames)
                        return $"{RadarPackets} mmWave packets on {pair.DevicePath} (got {frames.Count}, {decoder.Counters.TotalRejects} rejects)\n{sim.Output}";
                },
                TimeSpan.FromSeconds(20)
            );
        }
        finally
        {
            pair.Dispose();
            if (reading is not null)
                await Wait.ForAsync(
                    reading.ContinueWith(_ => true, TaskScheduler.Default),
                    TimeSpan.FromSeconds(10),
                    "the pty reader to stop"
                );
        }

        lock (frames)
        {
            Assert.Equal(RadarPackets, frames.Count);
            Assert.Equal(0, decoder.Counters.TotalRejects);
            Assert.Equal(Enumerable.Range(0, RadarPackets).Select(i => (uint)i), frames.Select(f => f.FrameNumber));
        }
        await reading;
    }

    /// <summary>docs/simulator.md: after an output failure the player disposes and reopens it (with backoff).</summary>
    [Fact]
    public async Task Serial_output_reopens_the_pty_after_it_vanishes_and_comes_back()
    {
        var pair = await SocatPair.StartAsync();
        var counts = new List<int>();
        var readers = new List<Task>();
        void Read() // a new reader (and decoder) on the current device end
        {
            var d = new TfSeriesDecoder(TfVariant.Tf03);
            int index;
            lock (counts)
            {
                counts.Add(0);
                index = counts.Count - 1;
            }
            readers.Add(ReadDevice(pair.DevicePath, chunk =>
                {
                    ReadOnlySpan<byte> input = chunk;
                    var n = 0;
                    while (d.TryRead(ref input, out var f))
                        if (Math.Abs(f.DistanceM - 95f) <= 0.5f)
                            n++;
                    lock (counts)
                        counts[index] += n;
                }));
        }
        int Count(int i)
        {
            lock (counts)
                return counts.Count > i ? counts[i] : 0;
        }
        try
        {
            Read();
            using var sim = SimProcess.Start(
                "run",
                "clear",
                "--loop",
                "--quiet",
                "--sensor",
                $"lidar=serial://{pair.SensorPath}?baud=115200"
            );
            await Wait.UntilAsync(
                () => Count(0) >= 50,
                () => $"50 TF frames before the unplug (got {Count(0)})\n{sim.Output}",
                TimeSpan.FromSeconds(20)
            );

            pair.Unplug(); // both ptys vanish, like a USB adapter pulled: the sim's writes fail
            await Wait.ForAsync(
                readers[0].ContinueWith(_ => true, TaskScheduler.Default),
                TimeSpan.FromSeconds(10),
                "the first reader to see the hang-up"
            );
            await Wait.UntilAsync(
                () => sim.Stderr.Contains("(retrying)", StringComparison.Ordinal),
                () => $"the sim to report the lost output\n{sim.Output}",
                TimeSpan.FromSeconds(20)
            );

            await pair.ReplugAsync();
            Read();
            await Wait.UntilAsync(
                () => Count(1) >= 50,
                () => $"50 TF frames after the replug (got {Count(1)})\n{sim.Output}",
                TimeSpan.FromSeconds(30)
            );
            Assert.False(
                sim.Process.HasExited,
                $"kavach-sim exited with {(sim.Process.HasExited ? sim.Process.ExitCode : 0)}\n{sim.Output}"
            );
        }
        finally
        {
            pair.Dispose();
            foreach (var r in readers)
                await Wait.ForAsync(r.ContinueWith(_ => true, TaskScheduler.Default), TimeSpan.FromSeconds(10), "a pty reader to stop");
        }
        foreach (var r in readers)
            await r;
    }

    /// <summary>
    /// Opens the device end now (so no byte is sent before a reader exists) and reads it on its own thread until
    /// socat goes (end of file or EIO), handing each chunk to <paramref name="onChunk"/>.
    /// </summary>
    private static Task ReadDevice(string path, Action<byte[]> onChunk)
    {
        var device = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
        return Task.Factory.StartNew(
            () =>
            {
                using (device)
                {
                    var buffer = new byte[4096];
                    try
                    {
                        int n;
                        while ((n = device.Read(buffer)) > 0)
                            onChunk(buffer[..n]);
                    }
                    catch (IOException)
                    {
                        // the pty hung up: socat was killed at the end of the test
                    }
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default
        );
    }

    // ---------------------------------------------------------------- MQTT

    [Fact]
    public async Task Run_to_mqtt_publishes_one_json_line_per_message_for_a_text_protocol()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var sub = await TestSubscriber.StartAsync(broker.Port, "kavach/sensors/#");
        const string topic = "kavach/sensors/camera";

        using var sim = SimProcess.Start(
            "run",
            "clear",
            "--speed",
            "30",
            "--quiet",
            "--sensor",
            $"camera=mqtt://127.0.0.1:{broker.Port}/{topic}"
        );
        var code = await sim.WaitForExitAsync(SimTimeout);
        Assert.True(code == 0, $"kavach-sim exited with {code}\n{sim.Output}");
        Assert.Contains($"camera: {CameraLines} frames,", sim.Stdout);
        Assert.Contains("0 skipped, 0 output failures", sim.Stdout);
        await Wait.UntilAsync(
            () => sub.On(topic).Count >= CameraLines,
            () => $"{CameraLines} messages on {topic} (got {sub.On(topic).Count})\n{sim.Output}",
            TimeSpan.FromSeconds(20)
        );

        var messages = sub.On(topic);
        Assert.Equal(CameraLines, messages.Count);
        Assert.All(messages, m =>
        {
            Assert.DoesNotContain((byte)'\n', m.Bytes); // one line per message, its line end removed
            Assert.DoesNotContain((byte)'\r', m.Bytes);
            var reject = JsonLineDecoder.Parse(m.Bytes, SensorKind.Unspecified, out var frame);
            Assert.True(reject is null, $"'{m.Payload}' rejected: {reject}");
            Assert.Equal(SensorKind.Camera, frame.Kind);
            Assert.Equal(1f, frame.Visibility); // 8 km: normalised visibility clamps at 1
        });
    }

    [Fact]
    public async Task Run_to_mqtt_publishes_whole_binary_frames_per_message()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var sub = await TestSubscriber.StartAsync(broker.Port, "kavach/sensors/#");
        const string lidarTopic = "kavach/sensors/lidar",
            radarTopic = "kavach/sensors/radar";

        using var sim = SimProcess.Start(
            "run",
            "clear",
            "--speed",
            "30",
            "--quiet",
            "--sensor",
            $"lidar=mqtt://127.0.0.1:{broker.Port}/{lidarTopic}",
            "--sensor",
            $"radar=mqtt://127.0.0.1:{broker.Port}/{radarTopic}"
        );
        var code = await sim.WaitForExitAsync(SimTimeout);
        Assert.True(code == 0, $"kavach-sim exited with {code}\n{sim.Output}");
        Assert.Contains(
            $"lidar: {LidarFrames} frames, {LidarFrames * TfSeriesDecoder.FrameLength} bytes, 0 skipped, 0 output failures",
            sim.Stdout
        );
        Assert.Contains($"radar: {RadarPackets} frames,", sim.Stdout);

        // Every message decodes on its own (a fresh decoder each: whole frames, nothing left over), and the
        // frames of all messages add up to every frame played.
        var lidarFrames = 0;
        var radarNumbers = new List<uint>();
        int lidarSeen = 0,
            radarSeen = 0;
        var decodeFailures = new List<string>();
        void DecodeNew()
        {
            var lidar = sub.On(lidarTopic);
            foreach (var m in lidar.Skip(lidarSeen))
            {
                var d = new TfSeriesDecoder(TfVariant.Tf03);
                ReadOnlySpan<byte> input = m.Bytes;
                var n = 0;
                while (d.TryRead(ref input, out var f))
                {
                    n++;
                    if (Math.Abs(f.DistanceM - 95f) > 0.5f)
                        decodeFailures.Add($"lidar frame at {f.DistanceM} m");
                }
                if (n == 0 || d.Counters.TotalRejects != 0 || d.PendingBytes != 0)
                    decodeFailures.Add(
                        $"lidar message of {m.Bytes.Length} bytes: {n} frames, {d.Counters.TotalRejects} rejects, {d.PendingBytes} left over"
                    );
                lidarFrames += n;
            }
            lidarSeen = lidar.Count;
            var radar = sub.On(radarTopic);
            foreach (var m in radar.Skip(radarSeen))
            {
                var d = new TiMmwaveDecoder();
                ReadOnlySpan<byte> input = m.Bytes;
                var n = 0;
                while (d.TryRead(ref input, out var f))
                {
                    n++;
                    radarNumbers.Add(f.FrameNumber);
                }
                if (n == 0 || d.Counters.TotalRejects != 0 || d.PendingBytes != 0)
                    decodeFailures.Add(
                        $"radar message of {m.Bytes.Length} bytes: {n} packets, {d.Counters.TotalRejects} rejects, {d.PendingBytes} left over"
                    );
            }
            radarSeen = radar.Count;
        }
        await Wait.UntilAsync(
            () =>
            {
                DecodeNew();
                return lidarFrames >= LidarFrames && radarNumbers.Count >= RadarPackets || decodeFailures.Count > 0;
            },
            () =>
                $"{LidarFrames} TF frames and {RadarPackets} mmWave packets over MQTT (got {lidarFrames} in {lidarSeen} messages, {radarNumbers.Count} in {radarSeen})\n{sim.Output}",
            TimeSpan.FromSeconds(20)
        );

        Assert.Empty(decodeFailures);
        Assert.Equal(LidarFrames, lidarFrames);
        Assert.Equal(Enumerable.Range(0, RadarPackets).Select(i => (uint)i), radarNumbers); // all, in order
    }

    /// <summary>A failed publish throws and the player reopens a new connection (MqttOutputStream).</summary>
    [Fact]
    public async Task Mqtt_output_publishes_again_after_the_broker_restarts()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var sub = await TestSubscriber.StartAsync(broker.Port, "kavach/sensors/#");
        const string topic = "kavach/sensors/camera";
        using var sim = SimProcess.Start(
            "run",
            "clear",
            "--loop",
            "--speed",
            "10",
            "--quiet",
            "--sensor",
            $"camera=mqtt://127.0.0.1:{broker.Port}/{topic}"
        );
        await Wait.UntilAsync(
            () => sub.On(topic).Count >= 5,
            () => $"5 messages before the restart (got {sub.On(topic).Count})\n{sim.Output}",
            TimeSpan.FromSeconds(20)
        );

        await broker.RestartAsync();
        await Wait.UntilAsync(
            () => sim.Stderr.Contains("(retrying)", StringComparison.Ordinal),
            () => $"the sim to report the lost connection\n{sim.Output}",
            TimeSpan.FromSeconds(20)
        );
        await sub.ReconnectAsync();
        var before = sub.On(topic).Count;
        await Wait.UntilAsync(
            () => sub.On(topic).Count >= before + 5,
            () => $"5 messages after the restart (got {sub.On(topic).Count - before})\n{sim.Output}",
            TimeSpan.FromSeconds(30)
        );

        Assert.False(sim.Process.HasExited, $"kavach-sim exited\n{sim.Output}");
        Assert.All(sub.On(topic), m => Assert.Null(JsonLineDecoder.Parse(m.Bytes, SensorKind.Unspecified, out _)));
    }
}
