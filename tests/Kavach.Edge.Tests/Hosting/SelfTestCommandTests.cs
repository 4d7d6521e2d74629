using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Kavach.Edge.Tests.Support;

namespace Kavach.Edge.Tests.Hosting;

/// <summary>`kavach-edge selftest` as a technician runs it: the real kavach-edge.dll in a child process, a temp config.</summary>
public class SelfTestCommandTests
{
    private static string Config(string dbPath, string sensorsJson) =>
        $$"""
            {
              "Device": { "Id": "selftest-unit" },
              "Sensors": [ {{sensorsJson}} ],
              "Storage": { "Path": "{{dbPath}}" },
              "Logging": { "File": "", "Console": false }
            }
            """;

    private const string LoopbackSensors = """
        { "Name": "lidar", "Kind": "lidar", "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 }, "BaselineStrength": 2000, "BaselineRangeM": 60 },
        { "Name": "radar", "Kind": "radar", "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 } }
        """;

    private static async Task<(int Exit, string Out)> RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        psi.ArgumentList.Add(Repo.DaemonDll);
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout + await stderr);
    }

    private static string Row(string output, string check) =>
        output.Split('\n').FirstOrDefault(l => l.StartsWith(check + " ", StringComparison.Ordinal)) ?? $"(no row '{check}' in:\n{output})";

    [Fact]
    public async Task A_healthy_configuration_passes_with_exit_0()
    {
        using var dir = Repo.NewTempDir();
        File.WriteAllText(dir.File("kavach.json"), Config(dir.File("kavach.db"), LoopbackSensors));
        var (exit, output) = await RunAsync("selftest", "--config", dir.File("kavach.json"));
        Assert.True(exit == 0, output);
        Assert.Contains("CHECK", output);
        Assert.Matches(@"^config\s+PASS\s+valid: device selftest-unit, 2 sensor\(s\)", Row(output, "config"));
        Assert.Matches(@"PASS\s+.*not created yet; folder writable", Row(output, "database"));
        Assert.Matches(@"PASS\s+tcp-listen 127\.0\.0\.1:0", Row(output, "sensor lidar"));
        Assert.Matches(@"SKIP\s+driver simulated", Row(output, "alarm outputs"));
        Assert.Matches(@"SKIP\s+not running", Row(output, "service"));
        Assert.Contains("0 FAIL", output);
        Assert.False(File.Exists(dir.File("kavach.db")), "selftest must not create the database");
    }

    [Fact]
    public async Task An_unreachable_peer_fails_with_exit_1()
    {
        using var dir = Repo.NewTempDir();
        // a port nothing listens on: bind one, note it, close it
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var far = $$"""
            { "Name": "far", "Kind": "radar", "Required": false, "Transport": { "Type": "tcp-client", "Host": "127.0.0.1", "Port": {{port}} } },
            { "Name": "uart", "Kind": "lidar", "Required": false, "Transport": { "Type": "serial", "Path": "{{dir.File("no-such-tty")}}" } }
            """;
        var sensors = LoopbackSensors + ",\n" + far;
        File.WriteAllText(dir.File("kavach.json"), Config(dir.File("kavach.db"), sensors));
        var (exit, output) = await RunAsync("selftest", "--config", dir.File("kavach.json"));
        Assert.True(exit == 1, output);
        Assert.Matches(@"^sensor far\s+FAIL\s+tcp-client 127\.0\.0\.1:\d+", Row(output, "sensor far"));
        Assert.Matches(@"FAIL\s+serial .*no such device", Row(output, "sensor uart"));
        Assert.Contains("2 FAIL", output);
    }

    [Fact]
    public async Task A_refused_configuration_exits_2_with_one_line_per_problem()
    {
        using var dir = Repo.NewTempDir();
        File.WriteAllText(dir.File("kavach.json"), """{ "Device": { "Id": "bad id!" }, "Sensors": [], "Typo": 1 }""");
        var (exit, output) = await RunAsync("selftest", "--config", dir.File("kavach.json"));
        Assert.True(exit == 2, output);
        Assert.Matches(@"^config\s+FAIL\s+refused", Row(output, "config"));
        Assert.Contains("Device.Id:", output);
        Assert.Contains("Typo: unknown key", output);
    }

    [Fact]
    public async Task Help_and_usage_errors()
    {
        var (exit, output) = await RunAsync("selftest", "--help");
        Assert.Equal(0, exit);
        Assert.Contains("Usage: kavach-edge selftest", output);
        (exit, output) = await RunAsync("selftest", "--bogus");
        Assert.Equal(2, exit);
        Assert.Contains("unknown option '--bogus'", output);
    }

    [Fact]
    public async Task While_the_service_runs_its_ports_are_held_and_its_heartbeat_is_checked()
    {
        await using var daemon = await DaemonUnderTest.StartAsync();
        await Wait.UntilAsync(
            () => File.Exists(Path.Combine(Path.GetDirectoryName(daemon.DatabasePath)!, "heartbeat")),
            TimeSpan.FromSeconds(10),
            "the heartbeat file"
        );
        using var dir = Repo.NewTempDir();
        File.WriteAllText(dir.File("kavach.json"), Config(daemon.DatabasePath, LoopbackSensors));
        var (exit, output) = await RunAsync("selftest", "--config", dir.File("kavach.json"));
        Assert.True(exit == 0, output);
        Assert.Matches(
            @"^service\s+PASS\s+running \(lock .*kavach-edge\.lock held\); heartbeat \d+\.\d s old: pid=\d+ ticks=\d+ level=",
            Row(output, "service")
        );
        Assert.Matches(@"SKIP\s+tcp-listen 127\.0\.0\.1:0: held by the running service", Row(output, "sensor lidar"));
        Assert.Matches(@"PASS\s+.*writable \(write rolled back\), schema v\d+", Row(output, "database"));
        daemon.Log.AssertNoErrors();
    }
}
