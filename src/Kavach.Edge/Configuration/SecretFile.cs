using System.Runtime.InteropServices;
using System.Text;

namespace Kavach.Edge.Configuration;

/// <summary>
/// The one check for every file that holds a secret (the API key, the MQTT password, TLS private keys):
/// as ssh does with private keys, a secret someone else could read or replace is refused at start-up —
/// any group or other permission bit, or an owner other than the user the daemon runs as. Each problem is
/// one error line ending in the command that fixes it (<c>chmod 600 PATH</c>, <c>chown USER PATH</c>).
/// A file that is missing or cannot be examined is left to the reader's own "cannot read" error.
/// Linux only (the daemon's platform); elsewhere nothing is checked.
/// </summary>
internal static class SecretFile
{
    private const int AtFdCwd = -100;
    private const uint StatxMode = 0x2,
        StatxUid = 0x8;
    private const int GroupOtherBits = 0x3F; // 0077

    /// <summary>Adds an error line to <paramref name="r"/> for each way <paramref name="path"/> (given under <paramref name="key"/>) is
    /// exposed.</summary>
    public static void Check(ConfigReader r, string key, string path)
    {
        foreach (var problem in Problems(path, RunningUid(), Environment.UserName))
            r.Error(key, problem);
    }

    /// <summary>What is wrong with <paramref name="path"/> for a daemon running as <paramref name="uid"/> (<paramref name="user"/>); empty
    /// when nothing.</summary>
    internal static IEnumerable<string> Problems(string path, uint uid, string user)
    {
        if (path.Length == 0 || !OperatingSystem.IsLinux())
            yield break;
        if (!TryStat(path, out var mode, out var owner))
            yield break;
        var q = Quote(path);
        if (owner != uid)
            yield return $"{path} is owned by uid {owner}, not by {user} (uid {uid}), the user the daemon runs as: chown {user} {q}"
                + (
                    uid == 0
                        ? " (if the service runs as another user, check as that user instead: sudo -u kavach /opt/kavach-edge/kavach-edge selftest)"
                        : ""
                );
        if ((mode & GroupOtherBits) != 0)
            yield return $"{path} is open to group or others (mode {Convert.ToString(mode & 0x1FF, 8).PadLeft(4, '0')}); a secret must be readable by its owner only: chmod 600 {q}";
    }

    /// <summary>The effective uid of this process.</summary>
    internal static uint RunningUid() => OperatingSystem.IsLinux() ? Geteuid() : 0;

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static bool TryStat(string path, out int mode, out uint owner)
    {
        mode = 0;
        owner = 0;
        var name = Encoding.UTF8.GetBytes(path + "\0");
        var buffer = new byte[256]; // struct statx is 256 bytes, the same layout on every architecture
        try
        {
            if (Statx(AtFdCwd, name, 0, StatxMode | StatxUid, buffer) != 0)
                return false;
        }
        catch (EntryPointNotFoundException)
        {
            // A C library without statx (glibc < 2.28): the mode alone, from .NET; the owner cannot be told.
            try
            {
                mode = (int)File.GetUnixFileMode(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }
            owner = RunningUid();
            return true;
        }
        owner = BitConverter.ToUInt32(buffer, 20); // stx_uid
        mode = BitConverter.ToUInt16(buffer, 28); // stx_mode
        return true;
    }

    /// <summary>The path as a shell word (single-quoted when it holds anything but safe characters).</summary>
    internal static string Quote(string path) =>
        path.Length > 0 && path.All(c => char.IsAsciiLetterOrDigit(c) || "/._-+:@,=".Contains(c, StringComparison.Ordinal))
            ? path
            : "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    // Blittable arguments (a pinned byte[]), no marshalling: trim- and AOT-safe.
    [DllImport("libc", EntryPoint = "statx")]
    private static extern int Statx(int dirfd, byte[] pathname, int flags, uint mask, byte[] statxbuf);

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint Geteuid();
}
