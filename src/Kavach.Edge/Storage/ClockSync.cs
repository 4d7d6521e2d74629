using System.Runtime.InteropServices;

namespace Kavach.Edge.Storage;

/// <summary>
/// Whether the wall clock is known good. A board without an RTC boots with a wrong date until NTP
/// syncs; alerts say so (<c>clockSynced</c>) rather than pass a wrong time off as right. Asks
/// systemd-timesyncd's flag file (/run/systemd/timesync/synchronized) and, failing that, the kernel:
/// adjtimex(2) returns TIME_ERROR (5) while the clock is unsynchronised (the same source as
/// <c>timedatectl show -p NTPSynchronized</c>). Cached for a minute. Thread-safe.
/// </summary>
public sealed class ClockSync(TimeProvider time)
{
    private const int TimeError = 5; // adjtimex(2): "clock not synchronized"
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);
    private long _checkedAt = long.MinValue;
    private volatile bool _synced;

    /// <summary>Overrides the answer (tests; a platform with neither source).</summary>
    public bool? Override { get; set; }

    public bool IsSynced
    {
        get
        {
            if (Override is { } o)
                return o;
            var now = time.GetTimestamp();
            var last = Interlocked.Read(ref _checkedAt);
            if (last != long.MinValue && time.GetElapsedTime(last, now) < CacheFor)
                return _synced;
            _synced = Check();
            Interlocked.Exchange(ref _checkedAt, now);
            return _synced;
        }
    }

    private static bool Check()
    {
        if (File.Exists("/run/systemd/timesync/synchronized"))
            return true;
        if (!OperatingSystem.IsLinux())
            return false;
        try
        {
            // struct timex is 208 bytes on 64-bit Linux; modes = 0 (first field) only reads.
            var timex = new byte[512];
            var state = Adjtimex(timex);
            return state >= 0 && state != TimeError;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    // A blittable byte[] is pinned, not marshalled: trim- and AOT-safe.
    [DllImport("libc", EntryPoint = "adjtimex")]
    private static extern int Adjtimex(byte[] timex);
}
