using Kavach.Edge.Tests.Support;

namespace Kavach.Edge.Tests.Hosting;

/// <summary>Start-up failures print one line naming the cause, never a stack trace (issue 14, item 7).</summary>
public class StartupFailureTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>A path under a regular file cannot be created by anyone, root included (chmod does not stop root).</summary>
    [Fact]
    public async Task A_Storage_Path_that_cannot_be_created_exits_2_with_one_line_naming_the_key_and_the_cause()
    {
        using var dir = Repo.NewTempDir();
        File.WriteAllText(dir.File("file.txt"), "not a folder");
        File.WriteAllText(dir.File("kavach.json"), TestConfig.Minimal);
        var db = Path.Combine(dir.File("file.txt"), "sub", "kavach.db");
        var env = new Dictionary<string, string> { ["KAVACH_Storage__Path"] = db };
        var (code, stdout, stderr) = await DaemonProcess.RunAsync(dir.Path, Timeout, env, "run", "--config", dir.File("kavach.json"));
        Assert.Equal(2, code);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        Assert.Contains("Storage.Path: cannot create", line, StringComparison.Ordinal);
        Assert.Contains("not a directory", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Storage_Path_in_a_folder_that_cannot_be_written_exits_2_naming_the_key()
    {
        using var dir = Repo.NewTempDir();
        File.WriteAllText(dir.File("kavach.json"), TestConfig.Minimal);
        // /proc refuses new files for root too
        var env = new Dictionary<string, string> { ["KAVACH_Storage__Path"] = "/proc/kavach.db" };
        var (code, stdout, stderr) = await DaemonProcess.RunAsync(dir.Path, Timeout, env, "run", "--config", dir.File("kavach.json"));
        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("Storage.Path: cannot write /proc/kavach.db", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
    }
}
