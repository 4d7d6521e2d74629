using Kavach.Edge.Hosting;
using Kavach.Edge.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kavach.Edge.Tests.Hosting;

/// <summary>One daemon per state folder: an exclusive flock on &lt;state dir&gt;/kavach-edge.lock.</summary>
public class InstanceLockTests
{
    [Fact]
    public async Task A_second_instance_is_refused_while_the_first_holds_the_lock()
    {
        using var dir = Repo.NewTempDir();
        var options = TestConfig.Valid(overrides: new Dictionary<string, string?> { ["Storage:Path"] = dir.File("state/kavach.db") });
        using var first = new InstanceLock(options, NullLogger<InstanceLock>.Instance);
        Assert.False(InstanceLock.IsHeld(first.Path));
        await first.StartAsync(default);
        Assert.Equal(dir.File("state/kavach-edge.lock"), first.Path);
        Assert.True(InstanceLock.IsHeld(first.Path));

        using var second = new InstanceLock(options, NullLogger<InstanceLock>.Instance);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => second.StartAsync(default));
        Assert.Contains("another kavach-edge is running", e.Message);

        first.Dispose();
        Assert.False(InstanceLock.IsHeld(first.Path));
        await second.StartAsync(default); // the lock goes with its holder; the file left behind blocks nothing
        Assert.True(InstanceLock.IsHeld(second.Path));
    }

    [Fact]
    public void Probing_a_missing_lock_does_not_create_it()
    {
        using var dir = Repo.NewTempDir();
        var path = dir.File("kavach-edge.lock");
        Assert.False(InstanceLock.IsHeld(path));
        Assert.False(File.Exists(path));
    }
}
