using Kavach.Edge.Tests.Support;

namespace Kavach.Edge.Tests.Hosting;

/// <summary>The real executable: exit codes, usage, configuration refusal, clean stop on SIGTERM.</summary>
public class ProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Version_and_help_exit_zero()
    {
        using var dir = Repo.NewTempDir();
        var (code, stdout, _) = await DaemonProcess.RunAsync(dir.Path, Timeout, "--version");
        Assert.Equal(0, code);
        Assert.StartsWith("kavach-edge ", stdout, StringComparison.Ordinal);

        foreach (var args in new[] { new[] { "--help" }, new[] { "run", "--help" }, new[] { "demo", "--help" } })
        {
            (code, stdout, _) = await DaemonProcess.RunAsync(dir.Path, Timeout, args);
            Assert.Equal(0, code);
            Assert.Contains("Usage", stdout, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("--frob")]
    [InlineData("run", "--config")]
    [InlineData("demo", "--config", "x.json")]
    public async Task Unknown_verbs_and_flags_print_usage_on_stderr_and_exit_2(params string[] args)
    {
        using var dir = Repo.NewTempDir();
        var (code, stdout, stderr) = await DaemonProcess.RunAsync(dir.Path, Timeout, args);
        Assert.Equal(2, code);
        Assert.Contains("Usage", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
    }

    [Fact]
    public async Task Bad_configuration_exits_2_with_one_line_per_problem_naming_the_key()
    {
        using var dir = Repo.NewTempDir();
        File.WriteAllText(
            dir.File("kavach.json"),
            TestConfig
                .Minimal.Replace("\"Port\": 0 },\n      \"BaselineStrength\"", "\"Port\": 70000 },\n      \"BaselineStrength\"")
                .Replace("\"Id\": \"test-unit\"", "\"Id\": \"test unit\", \"Colour\": \"red\"")
        );
        var (code, _, stderr) = await DaemonProcess.RunAsync(dir.Path, Timeout, "--config", dir.File("kavach.json"));
        Assert.Equal(2, code);
        Assert.Contains("Sensors[0].Transport.Port: must be 0-65535, got 70000", stderr, StringComparison.Ordinal);
        Assert.Contains("Device.Id: must be 1-64 of letters", stderr, StringComparison.Ordinal);
        Assert.Contains("Device.Colour: unknown key", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal); // no stack trace
    }

    [Fact]
    public async Task A_configuration_without_Device_Id_exits_2_naming_the_key()
    {
        using var dir = Repo.NewTempDir();
        File.WriteAllText(dir.File("kavach.json"), TestConfig.Minimal.Replace("\"Device\": { \"Id\": \"test-unit\" },", ""));
        var (code, stdout, stderr) = await DaemonProcess.RunAsync(dir.Path, Timeout, "run", "--config", dir.File("kavach.json"));
        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), l =>
            l.Contains("Device.Id", StringComparison.Ordinal)
        );
        Assert.Contains("Device.Id: is required", line, StringComparison.Ordinal);
        Assert.DoesNotContain("kavach-edge-01", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_configuration_exits_2()
    {
        using var dir = Repo.NewTempDir();
        var (code, _, stderr) = await DaemonProcess.RunAsync(dir.Path, Timeout, "--config", dir.File("nope.json"));
        Assert.Equal(2, code);
        Assert.Contains("configuration file not found", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Environment_override_with_an_unknown_key_is_refused()
    {
        using var dir = Repo.NewTempDir();
        File.WriteAllText(dir.File("kavach.json"), TestConfig.Minimal);
        var env = new Dictionary<string, string> { ["KAVACH_Risk__StopingDistanceM"] = "200" };
        var (code, _, stderr) = await DaemonProcess.RunAsync(dir.Path, Timeout, env, "--config", dir.File("kavach.json"));
        Assert.Equal(2, code);
        Assert.Contains("Risk.StopingDistanceM: unknown key", stderr, StringComparison.Ordinal);
    }

    /// <summary>Started as a script's background command (SIGINT inherited as ignored): TERM and INT both stop it.</summary>
    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Run_stops_cleanly_on_the_signal_with_exit_0_within_5_seconds(string signal)
    {
        using var dir = Repo.NewTempDir();
        File.WriteAllText(
            dir.File("kavach.json"),
            TestConfig.Minimal.Replace(
                "\"Logging\": { \"File\": \"\" }",
                $"\"Logging\": {{ \"File\": \"\" }}, \"Storage\": {{ \"Path\": \"{dir.File("k.db")}\" }}"
            )
        );
        using var d = DaemonProcess.StartUnder(DaemonProcess.FromScript, dir.Path, "--config", dir.File("kavach.json"));
        await Wait.UntilAsync(
            () => d.Stdout.Contains("listening on tcp", StringComparison.Ordinal) || d.Process.HasExited,
            Timeout,
            "the daemon to listen"
        );
        Assert.False(d.Process.HasExited, d.Output);

        var sw = System.Diagnostics.Stopwatch.StartNew();
        d.Signal(signal);
        var code = await d.WaitForExitAsync(TimeSpan.FromSeconds(10));
        Assert.True(code == 0, $"exit {code}\n{d.Output}");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {sw.Elapsed}");
        Assert.Contains("stopped cleanly", d.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(dir.File("k.db")));
    }
}
