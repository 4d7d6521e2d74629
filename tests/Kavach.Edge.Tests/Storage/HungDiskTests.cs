using System.Diagnostics;
using Kavach.Edge.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Tests.Storage;

/// <summary>
/// A disk that really hangs: the database on a loop-mounted ext4 image frozen with <c>fsfreeze</c>, so the
/// commit blocks inside the kernel. Needs root (mount, fsfreeze), as CI has; without it the test fails saying so.
/// </summary>
public class HungDiskTests : IDisposable
{
    private readonly TempDir _dir = Repo.NewTempDir();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_commit_that_hangs_on_a_frozen_disk_is_a_storage_FAULT_within_CommitTimeoutMs_and_clears_when_the_write_returns()
    {
        using var disk = FrozenDisk.Create(_dir.File("disk"));
        var path = Path.Combine(disk.MountPoint, "kavach.db");
        var (h, s, log) = StorageServiceTests.Build(path, new() { ["Storage:CommitTimeoutMs"] = "500" });
        var committed = 0;
        s.Committed += (_, _) => Interlocked.Increment(ref committed);
        await s.StartAsync(default);
        h.Broadcaster.Publish(h.Risk.Current);
        await Wait.UntilAsync(() => Volatile.Read(ref committed) == 1, "the first alert on a healthy disk");
        Assert.Empty(h.Faults.Snapshot());

        try
        {
            disk.Freeze();
            h.Broadcaster.Publish(h.Risk.Current); // its commit blocks in the kernel
            await Wait.UntilAsync(
                () =>
                {
                    h.Time.Advance(TimeSpan.FromMilliseconds(100)); // the commit timeout runs on the test's clock
                    return h.Faults.IsActive("storage");
                },
                () => $"the storage FAULT while the commit hangs (faults: {string.Join("; ", h.Faults.Snapshot())})"
            );
            Assert.True(s.Runner.Hung);
            Assert.Equal(1, Volatile.Read(ref committed));
            Assert.Contains(h.Faults.Snapshot(), f =>
                f.StartsWith("storage: write pending for", StringComparison.Ordinal)
                && f.EndsWith("the disk does not answer", StringComparison.Ordinal)
            );
            Assert.Equal(1, log.Count(LogLevel.Error, "the disk does not answer"));
        }
        finally
        {
            disk.Thaw(); // before waiting on the writer: a write to a frozen file system cannot be interrupted
        }

        await Wait.UntilAsync(
            () => Volatile.Read(ref committed) == 2 && !h.Faults.IsActive("storage"),
            "the commit returning after the thaw and the fault clearing"
        );
        Assert.False(s.Runner.Hung);
        Assert.True(log.Has(LogLevel.Information, "Storage: the pending write returned; writing again"));
        await s.StopAsync(default);
        Assert.Equal(1, log.Count(LogLevel.Error, "")); // the hang, nothing else
    }
}

/// <summary>An ext4 image (truncate + mkfs.ext4) loop-mounted on a temp folder, which the test can freeze and thaw.</summary>
public sealed class FrozenDisk : IDisposable
{
    private readonly string _image;
    private bool _frozen,
        _mounted;

    private FrozenDisk(string image, string mountPoint)
    {
        _image = image;
        MountPoint = mountPoint;
    }

    public string MountPoint { get; }

    public static FrozenDisk Create(string folder, int sizeMb = 32)
    {
        Assert.True(
            Environment.IsPrivilegedProcess,
            "HungDiskTests need root (mount -o loop, fsfreeze) and the packages e2fsprogs and util-linux: run the tests as root, as CI does (tests/run.sh installs them)"
        );
        Directory.CreateDirectory(folder);
        var image = Path.Combine(folder, "disk.img");
        var mountPoint = Path.Combine(folder, "mnt");
        Directory.CreateDirectory(mountPoint);
        Run("truncate", "-s", $"{sizeMb}M", image);
        Run("mkfs.ext4", "-q", "-F", image);
        var disk = new FrozenDisk(image, mountPoint);
        Run("mount", "-o", "loop", image, mountPoint);
        disk._mounted = true;
        return disk;
    }

    public void Freeze()
    {
        Run("fsfreeze", "--freeze", MountPoint);
        _frozen = true;
    }

    public void Thaw()
    {
        if (!_frozen)
            return;
        Run("fsfreeze", "--unfreeze", MountPoint);
        _frozen = false;
    }

    public void Dispose()
    {
        try
        {
            Thaw();
        }
        catch (InvalidOperationException) { }
        if (_mounted)
        {
            try
            {
                Run("umount", MountPoint);
            }
            catch (InvalidOperationException)
            {
                try
                {
                    Run("umount", "-l", MountPoint);
                }
                catch (InvalidOperationException) { }
            }
        }
        try
        {
            File.Delete(_image);
        }
        catch (IOException) { }
    }

    private static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{file} is missing ({e.Message}): install e2fsprogs and util-linux", e);
        }
        using (p)
        {
            var stderr = p.StandardError.ReadToEndAsync();
            p.WaitForExit();
            if (p.ExitCode != 0)
                throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr.Result.Trim()}");
        }
    }
}
