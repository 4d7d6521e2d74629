using System.Globalization;
using System.Runtime.InteropServices;

namespace Kavach.Edge.Hosting;

/// <summary>
/// SIGINT must stop the daemon cleanly however it was started. A shell without job control (a script) starts
/// its background commands (<c>cmd &amp;</c>) with SIGINT and SIGQUIT ignored (POSIX, "Shell Command Language",
/// asynchronous lists), and .NET respects an inherited SIG_IGN: it installs no handler, so the host's
/// PosixSignalRegistration for SIGINT never fires and <c>kill -INT</c> does nothing. Ctrl-C at a terminal is
/// unaffected (a foreground job inherits the default). <see cref="Restore"/>, called first thing in Main before
/// .NET's signal handling starts, puts SIGINT back to its default so the runtime installs its handler and the
/// host's lifetime sees the signal. SIGQUIT is left as inherited.
/// </summary>
public static class InterruptSignal
{
    private const int SigInt = 2; // the same number on every Linux architecture (signal(7))
    private static readonly nint SigDfl = 0;

    /// <summary>True when this process inherited SIGINT as ignored (Linux: the SigIgn mask in /proc/self/status).</summary>
    public static bool IsIgnored()
    {
        if (!OperatingSystem.IsLinux())
            return false;
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("SigIgn:", StringComparison.Ordinal))
                    return (
                            ulong.Parse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & (1UL << (SigInt - 1))
                        ) != 0;
        }
        catch (IOException) { }
        catch (FormatException) { }
        return false;
    }

    /// <summary>
    /// Resets an inherited "ignore" of SIGINT to the default. Must run before anything touches Console, Process or
    /// PosixSignalRegistration (which start .NET's signal handling and remember the disposition they found).
    /// Returns whether it changed anything.
    /// </summary>
    public static bool Restore()
    {
        if (!IsIgnored())
            return false;
        try
        {
            Signal(SigInt, SigDfl);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    // Only ever called to set SIG_DFL over SIG_IGN (no handler to preserve); blittable: trim- and AOT-safe.
    [DllImport("libc", EntryPoint = "signal")]
    private static extern nint Signal(int signal, nint handler);
}
