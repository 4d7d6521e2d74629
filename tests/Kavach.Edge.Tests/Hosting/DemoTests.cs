using Kavach.Edge.Demo;
using Kavach.Edge.Storage;
using Kavach.Edge.Tests.Support;

namespace Kavach.Edge.Tests.Hosting;

/// <summary>
/// The demo, end to end at real speed (about 50 s): the README's first command must keep working. And as a process:
/// it stops on the same signals as the daemon, through the same host lifetime, however it was started.
/// </summary>
public class DemoTests
{
    [Fact]
    public async Task Demo_walks_low_medium_high_and_back_and_stores_every_change()
    {
        using var dir = Repo.NewTempDir();
        var output = new StringWriter();
        var code = await DemoCommand.RunAsync(loop: false, output, speed: 1, dataDir: dir.Path);
        var text = output.ToString();
        Assert.True(code == 0, text);

        using var store = EventStore.Open(Path.Combine(dir.Path, "kavach-demo.db"), TimeProvider.System);
        var levels = store.ReadEvents().Select(e => e.Level).ToList();
        var walk = string.Join(" ", levels);
        Assert.Equal("FAULT", levels[0]);
        var low = levels.IndexOf("LOW");
        var medium = levels.IndexOf("MEDIUM", low + 1);
        var high = levels.IndexOf("HIGH", medium + 1);
        Assert.True(low >= 0 && medium > low && high > medium, $"expected LOW → MEDIUM → HIGH, got {walk}\n{text}");
        Assert.Equal("LOW", levels[^1]);
        Assert.Contains("Walk: ", text, StringComparison.Ordinal);
        Assert.Matches(@"  page    http://127\.0\.0\.1:\d+/", text);
    }

    /// <summary>Started as a script's background command (SIGINT inherited as ignored): TERM and INT both stop it.</summary>
    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Demo_stops_cleanly_on_the_signal_with_exit_0_within_5_seconds(string signal)
    {
        using var dir = Repo.NewTempDir();
        using var d = DaemonProcess.StartUnder(DaemonProcess.FromScript, dir.Path, "demo");
        await Wait.UntilAsync(
            () => d.Stdout.Contains("mosquitto_sub", StringComparison.Ordinal) || d.Process.HasExited,
            TimeSpan.FromSeconds(60),
            "the demo to start"
        );
        Assert.False(d.Process.HasExited, d.Output);

        var sw = System.Diagnostics.Stopwatch.StartNew();
        d.Signal(signal);
        var code = await d.WaitForExitAsync(TimeSpan.FromSeconds(15));
        Assert.True(code == 0, $"exit {code}\n{d.Output}");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {sw.Elapsed}\n{d.Output}");
        Assert.Contains("demo: interrupted", d.Stdout, StringComparison.Ordinal);
        Assert.Contains("Walk: FAULT", d.Stdout, StringComparison.Ordinal); // the summary, read back from SQLite after the stop
    }

    /// <summary>`timeout N kavach-edge demo --loop` ends by itself: timeout's SIGTERM stops the loop like a supervisor's.</summary>
    [Fact]
    public async Task Demo_loop_under_timeout_ends_by_itself()
    {
        using var dir = Repo.NewTempDir();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        using var d = DaemonProcess.StartUnder(["timeout", "--preserve-status", "10"], dir.Path, "demo", "--loop");
        var code = await d.WaitForExitAsync(TimeSpan.FromSeconds(40)); // fails the test if it never ends
        Assert.True(code == 0, $"exit {code}\n{d.Output}");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(15), $"ended after {sw.Elapsed}\n{d.Output}");
        Assert.Contains("demo: interrupted", d.Stdout, StringComparison.Ordinal);
    }
}
