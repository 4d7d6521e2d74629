using Kavach.Edge.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Hosting;

/// <summary>
/// One daemon per state folder: an exclusive flock(2) on <c>&lt;state dir&gt;/kavach-edge.lock</c>, taken
/// first at start (before any output opens hardware) and held until the process ends. .NET takes the
/// flock itself when a file is opened with FileShare.None. The kernel drops the lock when the process
/// dies, so a stale file never blocks a restart. `selftest` probes it to tell whether the service is
/// running (and so holds the serial ports and GPIO lines).
/// </summary>
public sealed class InstanceLock(KavachOptions options, ILogger<InstanceLock> log) : IHostedService, IDisposable
{
    private FileStream? _file;

    public string Path { get; } = StatePaths.LockFile(options);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        try
        {
            _file = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            // (the IOException's text is a bare resource key in a trimmed build: say it ourselves)
            throw new InvalidOperationException($"another kavach-edge is running: it holds the lock {Path}", e);
        }
        _file.SetLength(0);
        var pid = System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId + "\n");
        _file.Write(pid);
        _file.Flush();
        log.LogDebug("Instance lock {Path} taken (pid {Pid})", Path, Environment.ProcessId);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _file?.Dispose();

    /// <summary>
    /// True when another process holds the lock at <paramref name="path"/>. Never creates the file:
    /// a root-owned lock file would keep the service (user kavach) from starting.
    /// </summary>
    public static bool IsHeld(string path)
    {
        if (!File.Exists(path))
            return false;
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false; // unreadable for us: we cannot tell; the caller also asks systemctl
        }
        catch (IOException)
        {
            return true;
        }
    }
}
