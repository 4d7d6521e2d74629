using Kavach.Edge.Configuration;

namespace Kavach.Edge.Hosting;

/// <summary>
/// Where the daemon keeps its instance lock and heartbeat, so that `selftest` (reading the same
/// configuration) finds them. The state folder is the folder of the SQLite database
/// (<c>/var/lib/kavach</c> under the shipped unit, whose StateDirectory=kavach). The heartbeat goes to
/// $RUNTIME_DIRECTORY (<c>/run/kavach</c>, a tmpfs: rewriting a file every second would wear an SD card)
/// when systemd gives one, else to the state folder.
/// </summary>
public static class StatePaths
{
    public const string LockFileName = "kavach-edge.lock";
    public const string HeartbeatFileName = "heartbeat";

    /// <summary>The runtime folder the shipped unit asks for (RuntimeDirectory=kavach).</summary>
    public const string UnitRuntimeDirectory = "/run/kavach";

    public static string StateDirectory(KavachOptions options) => Path.GetDirectoryName(Path.GetFullPath(options.Storage.Path)) ?? ".";

    public static string LockFile(KavachOptions options) => Path.Combine(StateDirectory(options), LockFileName);

    /// <summary>Where this process writes its heartbeat.</summary>
    public static string HeartbeatFile(KavachOptions options)
    {
        var runtime = Environment.GetEnvironmentVariable("RUNTIME_DIRECTORY");
        return Path.Combine(string.IsNullOrEmpty(runtime) ? StateDirectory(options) : runtime.Split(':')[0], HeartbeatFileName);
    }

    /// <summary>Where a running service's heartbeat may be, most likely first (selftest takes the freshest).</summary>
    public static IEnumerable<string> HeartbeatCandidates(KavachOptions options)
    {
        yield return HeartbeatFile(options);
        yield return Path.Combine(UnitRuntimeDirectory, HeartbeatFileName);
        yield return Path.Combine(StateDirectory(options), HeartbeatFileName);
    }
}
