using Kavach.Edge.Configuration;
using Kavach.Edge.Hosting;

namespace Kavach.Edge.SelfTest;

/// <summary>
/// Whether the daemon is running for this configuration: its instance lock is held
/// (<see cref="InstanceLock"/>), or systemd reports the unit active. While it runs it holds the serial
/// ports, listening sockets and GPIO lines, so the self-test checks its heartbeat instead of them.
/// </summary>
public sealed record ServiceStatus(bool Running, string How)
{
    public const string UnitName = "kavach-edge";

    public static async Task<ServiceStatus> DetectAsync(KavachOptions options, CancellationToken ct)
    {
        var lockFile = StatePaths.LockFile(options);
        if (InstanceLock.IsHeld(lockFile))
            return new(true, $"lock {lockFile} held");
        var active = await ExternalTool.RunAsync("systemctl", ["is-active", UnitName], TimeSpan.FromSeconds(3), ct).ConfigureAwait(false);
        if (active is { Output: var state } && state.Trim() == "active")
            return new(true, $"systemctl: {UnitName} active");
        return new(false, "not running");
    }
}
