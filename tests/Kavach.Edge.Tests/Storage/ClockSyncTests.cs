using Kavach.Edge.Storage;

namespace Kavach.Edge.Tests.Storage;

public class ClockSyncTests
{
    [Fact]
    public void Reports_what_timesyncd_or_the_kernel_says_and_honours_an_override()
    {
        var clock = new ClockSync(TimeProvider.System);
        Assert.Equal(Expected(), clock.IsSynced);
        clock.Override = !Expected();
        Assert.Equal(!Expected(), clock.IsSynced);
        clock.Override = null;
        Assert.Equal(Expected(), clock.IsSynced);
    }

    // The same two sources read independently: timesyncd's flag file, else adjtimex(2) through Python's ctypes
    // (state 5 = TIME_ERROR, unsynchronised).
    private static bool Expected()
    {
        if (File.Exists("/run/systemd/timesync/synchronized"))
            return true;
        var psi = new System.Diagnostics.ProcessStartInfo(
            "/usr/bin/python3",
            ["-c", "import ctypes; b = ctypes.create_string_buffer(512); print(ctypes.CDLL(None).adjtimex(b))"]
        )
        {
            RedirectStandardOutput = true,
        };
        using var p = System.Diagnostics.Process.Start(psi)!;
        var state = int.Parse(p.StandardOutput.ReadToEnd().Trim(), System.Globalization.CultureInfo.InvariantCulture);
        p.WaitForExit();
        return state >= 0 && state != 5;
    }
}
