using System.Net;
using System.Net.Sockets;
using Kavach.Protocols;
using Kavach.Sim;
using Xunit;

namespace Kavach.Simulation.Tests;

public sealed class CliTests
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var code = await SimCli.RunAsync(args, stdout, stderr, TimeProvider.System, cts.Token);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData()]
    [InlineData("fly")]
    [InlineData("run")]
    [InlineData("run", "demo")]
    [InlineData("run", "demo", "--sensor", "nope=tcp://127.0.0.1:9")]
    [InlineData("run", "demo", "--sensor", "lidar")]
    [InlineData("run", "demo", "--sensor", "lidar=ftp://host/x")]
    [InlineData("run", "demo", "--sensor", "lidar=tcp://127.0.0.1")]
    [InlineData("run", "demo", "--sensor", "lidar=mqtt://127.0.0.1/a/#")]
    [InlineData("run", "demo", "--sensor", "lidar=serial:///dev/ttyS0?speed=9")]
    [InlineData("run", "demo", "--sensor", "lidar=-", "--speed", "fast")]
    [InlineData("run", "demo", "--sensor", "lidar=-", "--speed", "-1")]
    [InlineData("run", "demo", "--sensor", "lidar=-", "--seed", "-3")]
    [InlineData("run", "demo", "--sensor", "lidar=-", "--rate-scale")]
    [InlineData("run", "demo", "--sensor", "lidar=-", "--bogus")]
    [InlineData("run", "no-such-scenario", "--sensor", "lidar=-")]
    [InlineData("run", "/no/such/file.json", "--sensor", "lidar=-")]
    [InlineData("run", "demo", "extra", "--sensor", "lidar=-")]
    [InlineData("run", "loco-fog-run", "--sensor", "gnss=-", "--truth", "-")]
    [InlineData("run", "loco-fog-run", "--sensor", "gnss=-", "--truth")]
    [InlineData("list", "extra")]
    [InlineData("record", "--out", "/tmp/x.rec")]
    [InlineData("record", "--from", "tcp://127.0.0.1:9")]
    [InlineData("record", "--from", "mqtt://h/t", "--out", "/tmp/x.rec")]
    [InlineData("replay", "--to", "tcp://127.0.0.1:9")]
    [InlineData("replay", "/no/such/recording", "--to", "tcp://127.0.0.1:9")]
    public async Task Bad_arguments_exit_2_with_usage(params string[] args)
    {
        var (code, _, err) = await RunAsync(args);
        Assert.Equal(2, code);
        Assert.Contains("usage:", err);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("run", "--help")]
    [InlineData("list", "--help")]
    [InlineData("record", "--help")]
    [InlineData("replay", "-h")]
    public async Task Help_exits_0(params string[] args)
    {
        var (code, output, _) = await RunAsync(args);
        Assert.Equal(0, code);
        Assert.Contains("usage:", output);
    }

    [Fact]
    public async Task List_names_every_built_in()
    {
        var (code, output, _) = await RunAsync("list");
        Assert.Equal(0, code);
        Assert.All(Scenario.BuiltInNames, n => Assert.Contains(n, output));
    }

    [Fact]
    public async Task A_broken_scenario_file_exits_1_naming_the_key()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kavach-sim-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """{ "name": "x", "durationS": -1, "sensors": [], "timeline": [] }""");
        try
        {
            var (code, _, err) = await RunAsync("run", path, "--sensor", "lidar=-");
            Assert.Equal(1, code);
            Assert.Contains("durationS", err);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Run_sends_decodable_frames_over_tcp()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var received = ReadAllAsync(listener);

        var (code, output, err) = await RunAsync(
            "run",
            "clear",
            "--speed",
            "100",
            "--max-lag",
            "3600",
            "--quiet",
            "--sensor",
            $"lidar=tcp://127.0.0.1:{port}"
        );
        Assert.True(code == 0, err);
        Assert.Contains("3000 frames", output);

        var bytes = await received;
        var decoder = new TfSeriesDecoder(TfVariant.Tf03);
        ReadOnlySpan<byte> input = bytes;
        var frames = 0;
        while (decoder.TryRead(ref input, out var f))
        {
            frames++;
            Assert.Equal(95f, f.DistanceM, 0.5f);
        }
        Assert.Equal(3000, frames);
        Assert.Equal(0, decoder.Counters.TotalRejects);
    }

    [Fact]
    public async Task List_marks_the_locomotive_scenarios()
    {
        var (_, output, _) = await RunAsync("list");
        var lines = output.Split('\n');
        var i = Array.FindIndex(lines, l => l.StartsWith("loco-stalled-vehicle ", StringComparison.Ordinal));
        Assert.True(i >= 0, output);
        Assert.Contains("gnss (nmea, 5 Hz)", lines[i]);
        Assert.Contains("[locomotive]", lines[i + 1]);
        Assert.DoesNotContain("[locomotive]", lines[Array.FindIndex(lines, l => l.StartsWith("demo ", StringComparison.Ordinal)) + 1]);
    }

    [Fact]
    public async Task Run_streams_nmea_over_tcp_and_writes_the_ground_truth()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var received = ReadAllAsync(listener);
        var truth = Path.Combine(Path.GetTempPath(), $"kavach-sim-{Guid.NewGuid():N}.jsonl");
        try
        {
            // every frame counted: a loaded machine may stall the player for a second, which would drop frames as late
            var (code, output, err) = await RunAsync(
                "run",
                "loco-tunnel-gnss-loss",
                "--speed",
                "100",
                "--max-lag",
                "3600",
                "--quiet",
                "--truth",
                truth,
                "--sensor",
                $"gnss=tcp://127.0.0.1:{port}"
            );
            Assert.True(code == 0, err);
            Assert.True(output.Contains("gnss: 100 frames", StringComparison.Ordinal), output);

            var decoder = new NmeaDecoder();
            ReadOnlySpan<byte> input = await received;
            var (valid, noFix) = (0, 0);
            while (decoder.TryRead(ref input, out var f))
            {
                if (f.Valid)
                    valid++;
                else
                    noFix++;
            }
            Assert.Equal((240, 60), (valid, noFix)); // 20 s of the tunnel, three sentences a second
            Assert.Equal(0, decoder.Counters.TotalRejects);

            // ground truth every 0.25 s: 0..100 s
            var lines = await File.ReadAllLinesAsync(truth);
            Assert.Equal(401, lines.Length);
            Assert.StartsWith(
                "{\"tS\":0,\"platform\":\"locomotive\",\"visibilityM\":800,\"obstaclePresent\":false,\"obstacleRangeM\":null,",
                lines[0]
            );
            Assert.Contains("\"trainSpeedKmh\":60,", lines[200]);
            Assert.Contains("\"trainDistanceM\":833.333,\"obstacleInReach\":false,\"reachM\":250}", lines[200]); // the AWR1843 reaches farthest
        }
        finally
        {
            File.Delete(truth);
        }
    }

    [Fact]
    public async Task Record_then_replay_round_trips_bytes_over_loopback_tcp()
    {
        var chunks = Enumerable
            .Range(0, 6)
            .Select(i => Enumerable.Range(0, 100 + i * 37).Select(b => (byte)(b * 7 + i)).ToArray())
            .ToArray();
        var file = Path.Combine(Path.GetTempPath(), $"kavach-sim-{Guid.NewGuid():N}.rec");
        try
        {
            // A source that sends the chunks with gaps, then closes.
            using var source = new TcpListener(IPAddress.Loopback, 0);
            source.Start();
            var sourcePort = ((IPEndPoint)source.LocalEndpoint).Port;
            var serve = Task.Run(async () =>
            {
                using var client = await source.AcceptTcpClientAsync();
                var stream = client.GetStream();
                foreach (var c in chunks)
                {
                    await stream.WriteAsync(c);
                    await stream.FlushAsync();
                    await Task.Delay(30);
                }
            });

            var (code, _, err) = await RunAsync("record", "--from", $"tcp://127.0.0.1:{sourcePort}", "--out", file);
            Assert.True(code == 0, err);
            await serve;

            // The file: header, then chunks whose bytes concatenate to what was sent, at non-decreasing times.
            var expected = chunks.SelectMany(c => c).ToArray();
            using (var f = File.OpenRead(file))
            {
                RecordFile.ReadHeader(f);
                var all = new List<byte>();
                ulong last = 0;
                while (RecordFile.TryReadChunk(f, out var us, out var data))
                {
                    Assert.True(us >= last);
                    last = us;
                    all.AddRange(data);
                }
                Assert.Equal(expected, all.ToArray());
                Assert.True(last >= 100_000, $"last chunk at {last} µs"); // five 30 ms gaps
            }

            using var sink = new TcpListener(IPAddress.Loopback, 0);
            sink.Start();
            var sinkPort = ((IPEndPoint)sink.LocalEndpoint).Port;
            var received = ReadAllAsync(sink);
            (code, _, err) = await RunAsync("replay", file, "--to", $"tcp://127.0.0.1:{sinkPort}", "--speed", "10");
            Assert.True(code == 0, err);
            Assert.Equal(expected, await received);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Replay_rejects_a_file_that_is_not_a_recording()
    {
        var file = Path.Combine(Path.GetTempPath(), $"kavach-sim-{Guid.NewGuid():N}.rec");
        await File.WriteAllTextAsync(file, "hello");
        try
        {
            var (code, _, err) = await RunAsync("replay", file, "--to", "-");
            Assert.Equal(1, code);
            Assert.Contains("KVSIMREC", err);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Outputs_parse()
    {
        Assert.True(OutputTarget.TryParse("serial:///dev/ttyUSB0?baud=921600", out var s, out _));
        Assert.Equal((OutputKind.Serial, "/dev/ttyUSB0", 921600), (s.Kind, s.Path, s.Baud!.Value));
        Assert.True(OutputTarget.TryParse("/dev/pts/7", out var p, out _));
        Assert.Equal((OutputKind.Serial, "/dev/pts/7"), (p.Kind, p.Path));
        Assert.True(OutputTarget.TryParse("mqtt://broker/kavach/post-1/lidar", out var m, out _));
        Assert.Equal((OutputKind.Mqtt, "broker", 1883, "kavach/post-1/lidar"), (m.Kind, m.Host, m.Port, m.Topic));
        Assert.True(OutputTarget.TryParse("tcp-listen://0.0.0.0:7001", out var l, out _));
        Assert.Equal((OutputKind.TcpListen, "0.0.0.0", 7001), (l.Kind, l.Host, l.Port));
        Assert.Equal(921_600, OutputTarget.DefaultBaud(SimProtocol.TiMmwave));
        Assert.Equal(9_600, OutputTarget.DefaultBaud(SimProtocol.Nmea)); // a u-blox receiver's default
    }

    private static async Task<byte[]> ReadAllAsync(TcpListener listener)
    {
        using var client = await listener.AcceptTcpClientAsync();
        using var ms = new MemoryStream();
        await client.GetStream().CopyToAsync(ms);
        return ms.ToArray();
    }
}
