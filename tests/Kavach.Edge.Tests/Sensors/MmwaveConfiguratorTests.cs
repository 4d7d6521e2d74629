using System.Net.Sockets;
using System.Text;
using Kavach.Edge.Sensors;
using Kavach.Edge.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Kavach.Edge.Tests.Sensors;

/// <summary>The ti-mmwave CLI configuration, against a fake radar CLI on a socat pty pair.</summary>
public class MmwaveConfiguratorTests
{
    /// <summary>Answers each line like the OOB demo's CLI: echo, "Done", prompt. Records what it got.</summary>
    private static Task FakeCliAsync(SocatPair pair, List<string> received) =>
        Task.Run(() =>
        {
            try
            {
                using var s = pair.OpenSensor();
                var line = new StringBuilder();
                var b = new byte[256];
                while (true)
                {
                    var n = s.Read(b, 0, b.Length);
                    if (n <= 0)
                        return;
                    foreach (var c in Encoding.ASCII.GetString(b, 0, n))
                    {
                        if (c != '\n')
                        {
                            line.Append(c);
                            continue;
                        }
                        var text = line.ToString().Trim();
                        line.Clear();
                        lock (received)
                            received.Add(text);
                        var answer = Encoding.ASCII.GetBytes($"{text}\r\nDone\r\nmmwDemo:/>");
                        s.Write(answer);
                        s.Flush();
                    }
                }
            }
            catch (IOException) { }
        });

    [Fact]
    public async Task The_radar_is_configured_at_connect_and_again_after_a_silence()
    {
        using var cli = await SocatPair.StartAsync();
        using var dir = Repo.NewTempDir();
        var cfg = dir.File("radar.cfg");
        await File.WriteAllTextAsync(cfg, "% IWR6843 test profile\nsensorStop\n\nflushCfg\n% comment\nsensorStart\n");
        var received = new List<string>();
        var radar = FakeCliAsync(cli, received);

        await using var h = await new InputHarness(
            SensorJson.Config(
                SensorJson.Listen(
                    "radar",
                    "radar",
                    "ti-mmwave",
                    $"\"TimeoutMs\": 400, \"ConfigPort\": \"{cli.DevicePath}\", \"ConfigFile\": \"{cfg}\","
                )
            )
        ).StartAsync();
        var data = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await data.ConnectAsync(h.Service.BoundEndpoints["radar"]);

        await Eventually.WaitAsync(
            () =>
            {
                lock (received)
                    return received.Count >= 3;
            },
            "the configuration at connect"
        );
        lock (received)
            Assert.Equal(["sensorStop", "flushCfg", "sensorStart"], received.Take(3));
        await Eventually.WaitAsync(
            () => h.Log.Count(LogLevel.Information, "configured the radar (data port connected): 3 lines") == 1,
            "the outcome logged"
        );

        // the data port stays silent (a radar that restarted unconfigured): tcp-listen closes the idle client after
        // TimeoutMs; the serial-to-Ethernet converter connects again, and the radar is configured again
        await Eventually.WaitAsync(
            () => h.Log.Count(LogLevel.Information, "disconnected (idle: no frame for 400 ms") >= 1,
            "the idle data port closed"
        );
        data.Dispose();
        data = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await data.ConnectAsync(h.Service.BoundEndpoints["radar"]);
        await Eventually.WaitAsync(
            () =>
            {
                lock (received)
                    return received.Count >= 6;
            },
            "the configuration after a silence"
        );
        await Eventually.WaitAsync(() => h.Log.Count(LogLevel.Information, "configured the radar (") >= 2, "the second outcome logged");
        data.Dispose();
        cli.Unplug();
        await radar;
    }

    [Fact]
    public async Task A_radar_that_does_not_answer_is_reported_not_waited_for_forever()
    {
        using var cli = await SocatPair.StartAsync(); // nobody answers on the far end
        using var dir = Repo.NewTempDir();
        var cfg = dir.File("radar.cfg");
        await File.WriteAllTextAsync(cfg, "sensorStop\nsensorStart\n");
        await using var h = await new InputHarness(
            SensorJson.Config(
                SensorJson.Listen(
                    "radar",
                    "radar",
                    "ti-mmwave",
                    $"\"TimeoutMs\": 60000, \"ConfigPort\": \"{cli.DevicePath}\", \"ConfigFile\": \"{cfg}\","
                )
            )
        ).StartAsync();
        using var data = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await data.ConnectAsync(h.Service.BoundEndpoints["radar"]);
        await Eventually.WaitAsync(
            () => h.Log.Count(LogLevel.Warning, "line 1 'sensorStop': no answer within 2 s") == 1,
            "the failure logged"
        );
    }

    [Fact]
    public async Task A_lines_deadline_runs_on_the_injected_clock()
    {
        using var cli = await SocatPair.StartAsync(); // nobody answers on the far end
        using var dir = Repo.NewTempDir();
        var cfg = dir.File("radar.cfg");
        await File.WriteAllTextAsync(cfg, "sensorStop\n");
        var options = TestConfig
            .Valid(
                SensorJson.Config(
                    SensorJson.Listen("radar", "radar", "ti-mmwave", $"\"ConfigPort\": \"{cli.DevicePath}\", \"ConfigFile\": \"{cfg}\",")
                )
            )
            .Sensors[0];
        var time = new FakeTimeProvider();
        var log = new ListLogger();
        var configure = new MmwaveConfigurator(new SensorState(0, options), time, log).ConfigureAsync("test", CancellationToken.None);

        // the fake clock stands still: well past LineTimeout of wall-clock time, the line is still awaited
        await Task.Delay(MmwaveConfigurator.LineTimeout + TimeSpan.FromMilliseconds(500));
        Assert.False(configure.IsCompleted, string.Join("\n", log.Entries));

        time.Advance(MmwaveConfigurator.LineTimeout + TimeSpan.FromSeconds(1));
        Assert.False(await configure.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, log.Count(LogLevel.Warning, "line 1 'sensorStop': no answer within 2 s"));
    }
}
